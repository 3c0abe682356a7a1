/**
 * Texts with their labels as written (a CSV's text and label columns) → class names and ids,
 * checked with messages that name the row: a blank text or label, fewer than two classes, or a
 * class with fewer than two examples (one cannot be both learned from and tested on).
 * Class ids follow the sorted class names, so the same file always gives the same ids.
 */
import { DataError } from '../errors.js';
import { quoteCell } from './cell-text.js';
import { checkClassCounts } from './labels.js';

export interface LabelledTexts {
  classes: string[];
  labels: Int32Array;
}

export function labelTexts(
  where: string,
  texts: readonly string[],
  labelCells: readonly string[],
  describe: (n: number) => string,
): LabelledTexts {
  if (texts.length !== labelCells.length)
    throw new DataError(where, `${texts.length} texts but ${labelCells.length} labels; they must pair up.`);
  texts.forEach((t, n) => {
    if (typeof t !== 'string' || t.trim() === '')
      throw new DataError(where, `${describe(n)}: the text is empty.`, 'fill it in or remove the row.');
  });
  const names = labelCells.map((cell, n) => {
    const name = typeof cell === 'string' ? cell.trim() : '';
    if (name === '') throw new DataError(where, `${describe(n)}: the label is empty.`, 'every row needs a class.');
    return name;
  });
  const classes = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classes.length < 2)
    throw new DataError(
      where,
      `every row has the label ${quoteCell(classes[0] ?? '')}; a classifier needs at least two classes.`,
    );
  const ids = new Map(classes.map((c, k) => [c, k]));
  const labels = Int32Array.from(names, (name) => ids.get(name) as number);
  checkClassCounts(where, labels, classes, describe);
  return { classes, labels };
}
