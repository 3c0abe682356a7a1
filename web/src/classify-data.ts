/**
 * The classify view's data, read in the worker: pasted lines (`label<TAB>text`, or `label,text`
 * when a line has no tab) or a CSV's text and label columns → class names and ids (labelTexts:
 * blank texts or labels, a single class, a class with one example are refused by line or row),
 * split the documented way (documentedSplit: every fifth text tests, every tenth of the rest
 * validates, the rest trains).
 */
import { column, cutText, DataError, documentedSplit, labelTexts, quoteCell, type Table } from 'lstm';

/** Texts and class ids of one part of the split. */
export interface TextSet {
  inputs: string[];
  labels: Int32Array;
  describe: (n: number) => string;
}

export interface Dataset {
  name: string;
  classes: string[];
  train: TextSet;
  valid: TextSet;
  test: TextSet;
}

interface Rows {
  name: string;
  texts: string[];
  labels: string[];
  describe: (n: number) => string;
}

/** Non-blank lines, each split at its first tab (or, without one, its first comma). */
export function readLines(text: string): Rows {
  const name = 'the pasted lines';
  const texts: string[] = [];
  const labels: string[] = [];
  const lineOf: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.indexOf('\t');
    const cut = tab >= 0 ? tab : line.indexOf(',');
    if (cut < 0)
      throw new DataError(
        name,
        `line ${i + 1} has no tab or comma between a label and a text: ${quoteCell(cutText(line, 80))}.`,
        'write one text per line as label<TAB>text or label,text.',
      );
    labels.push(line.slice(0, cut));
    texts.push(line.slice(cut + 1));
    lineOf.push(i + 1);
  });
  return { name, texts, labels, describe: (n) => `line ${lineOf[n]}` };
}

/** A CSV's text and label columns; rows are named as a spreadsheet numbers them (the header is row 1). */
export function readColumns(table: Table, textColumn: string, labelColumn: string): Rows {
  return {
    name: table.source,
    texts: column(table, textColumn),
    labels: column(table, labelColumn),
    describe: (n) => `row ${n + 2}`,
  };
}

export function splitDataset(rows: Rows): Dataset {
  const { classes, labels } = labelTexts(rows.name, rows.texts, rows.labels, rows.describe);
  const split = documentedSplit(rows.texts.length);
  const part = (picked: number[]): TextSet => ({
    inputs: picked.map((i) => rows.texts[i] as string),
    labels: Int32Array.from(picked, (i) => labels[i] as number),
    describe: (k) => rows.describe(picked[k] as number),
  });
  return { name: rows.name, classes, train: part(split.train), valid: part(split.valid), test: part(split.test) };
}

/** A guess at a CSV's columns: 'text' and 'label' when there are such, else the longest cells are the texts. */
export function guessTextColumns(table: Table): { text: string; label: string } {
  const find = (want: string): string | undefined => table.names.find((n) => n.toLowerCase() === want);
  const meanLength = (n: string): number => {
    const cells = table.columns[n] ?? [];
    return cells.reduce((s, c) => s + c.length, 0) / Math.max(1, cells.length);
  };
  const longest = [...table.names].sort((a, b) => meanLength(b) - meanLength(a));
  const text = find('text') ?? longest[0] ?? '';
  const label = find('label') ?? longest.find((n) => n !== text) ?? text;
  return { text, label };
}
