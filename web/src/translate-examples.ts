/**
 * The translate view's built-in tasks and its pair format. Each task's pairs come from the
 * library's seeded generator (the same seed gives the same pairs), and each is one whose attention
 * is easy to read:
 *   dates    "12 march 2021" or "12 mar 2021" → "2021-03-12": the year's digits look at the
 *            year, the month's at the month's name, the day's at the day (a crossing alignment)
 *   reverse  "abcdef" → "fedcba": each output letter looks at its mirror (an anti-diagonal)
 * Pairs travel as text, one `source<TAB>target` a line, tokens being characters.
 */
import { Rng, type Seq2SeqPair } from 'lstm';

export type ExampleTask = 'dates' | 'reverse';

export const EXAMPLE_TASKS: ReadonlyArray<readonly [ExampleTask, string]> = [
  ['dates', 'Dates: 12 march 2021 → 2021-03-12'],
  ['reverse', 'Reverse letters: abcdef → fedcba'],
];

/** A source typical of each task, put in the text box after training. */
export const EXAMPLE_INPUT: Record<ExampleTask, string> = { dates: '17 june 1994', reverse: 'hgfedcba' };

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const two = (n: number): string => String(n).padStart(2, '0');

/** One date between 1950 and 2049, its month's name written out or cut to three letters. */
function datePair(rng: Rng): [string, string] {
  const year = 1950 + rng.int(100);
  const month = rng.int(12);
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = 1 + rng.int(days);
  const name = MONTHS[month] as string;
  const written = rng.next() < 0.5 ? name : name.slice(0, 3);
  return [`${day} ${written} ${year}`, `${year}-${two(month + 1)}-${two(day)}`];
}

/** 3 to 9 letters of a–j, and the same letters backwards. */
function reversePair(rng: Rng): [string, string] {
  const letters = Array.from({ length: 3 + rng.int(7) }, () => 'abcdefghij'[rng.int(10)] as string);
  return [letters.join(''), [...letters].reverse().join('')];
}

/** `count` pairs of a task as text, one `source<TAB>target` a line. */
export function exampleText(task: ExampleTask, count: number, seed: number): string {
  const rng = new Rng(seed);
  const make = task === 'dates' ? datePair : reversePair;
  return Array.from({ length: count }, () => make(rng).join('\t')).join('\n');
}

/**
 * Pairs from text: one `source<TAB>target` a line, blank lines skipped, both sides split into
 * characters. A line without a tab or with an empty side is refused by its number.
 */
export function parsePairs(text: string): Seq2SeqPair[] {
  const pairs: Seq2SeqPair[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new Error(`line ${i + 1} has no tab: each line is source<TAB>target (${JSON.stringify(line)}).`);
    const [source, target] = [line.slice(0, tab), line.slice(tab + 1)];
    if (source === '' || target === '')
      throw new Error(`line ${i + 1} has an empty ${source === '' ? 'source' : 'target'}.`);
    pairs.push({ source: [...source], target: [...target] });
  });
  if (pairs.length === 0) throw new Error('no pairs: paste one source<TAB>target a line, or make an example task.');
  return pairs;
}
