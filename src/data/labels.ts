/**
 * Class labels: ids in [0, K) (−1 for "no label" where a loss may skip a row), their checks and
 * their counts per class.
 */
import { DataError } from '../errors.js';
import { listNames, quoteCell } from './cell-text.js';

/**
 * Check labels (−1 allowed where `ignorable`) against K classes; `describe(n)` names where label n
 * comes from in messages ("example 12", "row 14").
 */
export function checkLabels(
  where: string,
  labels: ArrayLike<number>,
  classes: readonly string[],
  describe: (n: number) => string,
  ignorable = false,
): void {
  const K = classes.length;
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n] as unknown;
    const ok = typeof y === 'number' && Number.isInteger(y) && y >= (ignorable ? -1 : 0) && y < K;
    if (!ok)
      throw new DataError(
        where,
        `the label of ${describe(n)} is ${JSON.stringify(y)}; labels are class ids in [0, ${K})${ignorable ? ', or −1 for none' : ''} (classes: ${listNames(classes)}).`,
      );
  }
}

/** Examples per class (labels −1 skipped). */
export function classCounts(labels: ArrayLike<number>, K: number): number[] {
  const counts = new Array<number>(K).fill(0);
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n] as number;
    if (y >= 0) counts[y] = (counts[y] as number) + 1;
  }
  return counts;
}

/**
 * Every class needs at least two training examples; the error names the class and, for a single
 * example, where it is.
 */
export function checkClassCounts(
  where: string,
  labels: ArrayLike<number>,
  classes: readonly string[],
  describe: (n: number) => string,
): void {
  classCounts(labels, classes.length).forEach((count, k) => {
    if (count >= 2) return;
    const at = count === 1 ? ` (${describe(Array.prototype.indexOf.call(labels, k) as number)})` : '';
    throw new DataError(
      where,
      `class ${quoteCell(classes[k] as string)} has ${count === 0 ? 'no examples' : `only one example${at}`}; each class needs at least two.`,
      'add examples of it, merge it into another class, or drop it.',
    );
  });
}
