/**
 * `lstm inspect MODEL --text TEXT`: run a language model over a text and show, as a terminal heat
 * map, what a few LSTM units do at each character: cell state, output and gates. --json prints
 * the whole trace instead (every gate, the cell state and h per step, per layer).
 */
import { inspectLanguageModel, type LayerTrace, mostActiveUnits, readDecimal } from '../index.js';
import { loadModel } from '../node/index.js';
import { type HeatRow, renderHeatMap } from './heat-map.js';
import { UsageError } from './args.js';
import { checkFlagRange, defineCommand, HELP_FLAG, readCommandLine } from './flags.js';

const QUANTITIES = ['cell', 'hidden', 'input', 'forget', 'output', 'candidate'] as const;
type Quantity = (typeof QUANTITIES)[number];

export const INSPECT = defineCommand(
  'inspect',
  {
    text: { type: 'string', value: 'TEXT', help: 'the text to read (required)' },
    layer: { type: 'integer', min: 0, help: 'which LSTM layer, from 0', shown: ': the top one' },
    units: {
      type: 'string',
      value: 'LIST',
      help: 'units to show, e.g. 3,17,42',
      shown: ': the --top most active',
    },
    top: {
      type: 'integer',
      min: 1,
      default: 6,
      help: 'how many units when --units is not given: those whose cell state varies most over the text',
    },
    show: {
      type: 'string',
      value: 'LIST',
      default: 'cell,output',
      help: `what to draw per unit, from ${QUANTITIES.join(', ')}`,
    },
    width: { type: 'integer', min: 20, help: 'columns to wrap at', shown: ": the terminal's, or 100" },
    json: {
      type: 'boolean',
      help: 'print the full trace as JSON: {chars, layers: [{layer, gates, cell, hidden}]}',
    },
    help: HELP_FLAG,
  },
  {
    usage: 'Usage: lstm inspect MODEL --text TEXT [options]',
    intro: 'Run MODEL (a .lstm language model) over TEXT and draw what its units do at each character.',
    labelWidth: 19,
    defaultsAt: 0,
    closing: `Colours: blue (low) – white – red (high); gates span [0, 1], cell and hidden [−m, m] with m the
unit's largest magnitude over the text. Without a colour terminal (or with NO_COLOR) each cell is
a digit 0–9 instead.
Example: lstm inspect model.lstm --text "Call me Ishmael. Some years ago" --show cell,forget`,
  },
);

function series(trace: LayerTrace, q: Quantity): number[][] {
  if (q === 'cell') return trace.cell ?? [];
  if (q === 'hidden') return trace.hidden;
  return trace.gates[q === 'candidate' ? 'cell' : q] ?? [];
}

function parseList<T extends string>(flag: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw.split(',').map((s) => s.trim());
  const bad = items.filter((s) => !allowed.includes(s as T));
  if (bad.length > 0)
    throw new UsageError(`lstm inspect: --${flag} takes ${allowed.join(', ')}; got '${bad.join(', ')}'.`);
  return items as T[];
}

export function inspectCommand(argv: string[]): number {
  const line = readCommandLine(INSPECT, argv);
  if (line === undefined) return 0;
  const { values, positionals, given } = line;
  if (positionals.length !== 1)
    throw new UsageError(
      `lstm inspect: expected one MODEL file, got ${positionals.length}.\nSee 'lstm inspect --help'.`,
    );
  const text = values.text;
  if (text === undefined || text === '')
    throw new UsageError("lstm inspect: give the text to read with --text.\nSee 'lstm inspect --help'.");
  const model = loadModel(positionals[0] as string);
  const trace = inspectLanguageModel(model, text);
  if (values.json) {
    console.log(JSON.stringify(trace));
    return 0;
  }
  const L = trace.layers.length;
  const layer = values.layer === undefined ? L - 1 : checkFlagRange('inspect', 'layer', values.layer, 0, L - 1);
  const t = trace.layers[layer] as LayerTrace;
  const H = ((t.cell ?? t.hidden)[0] as number[]).length;
  const unitsRaw = values.units;
  const units =
    unitsRaw === undefined
      ? mostActiveUnits(t, given.has('top') ? checkFlagRange('inspect', 'top', values.top, 1, H) : values.top)
      : unitsRaw.split(',').map((s) => {
          const reading = readDecimal(s.trim());
          const j = reading.ok ? reading.value : Number.NaN;
          if (!Number.isInteger(j) || j < 0 || j >= H)
            throw new UsageError(`lstm inspect: --units takes unit numbers in [0, ${H}); got '${s.trim()}'.`);
          return j;
        });
  const show = parseList('show', values.show, QUANTITIES);
  const rows: HeatRow[] = units.flatMap((j) =>
    show.map((q) => {
      const v = series(t, q).map((row) => row[j] as number);
      const signed = q === 'cell' || q === 'hidden' || q === 'candidate';
      const m = Math.max(1e-9, ...v.map(Math.abs));
      return { label: `u${j} ${q}`, values: v, range: signed ? ([-m, m] as const) : ([0, 1] as const) };
    }),
  );
  const color = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
  const width = values.width ?? process.stdout.columns ?? 100;
  console.log(`layer ${layer} of ${L}, units ${units.join(', ')} (of ${H})\n`);
  console.log(renderHeatMap(trace.chars, rows, { color, width }));
  return 0;
}
