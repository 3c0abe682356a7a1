/**
 * Classification metrics from true and predicted class ids in [0, K):
 *   confusion[i][j]  how many of class i were predicted as j
 *   precision_j = C[j][j] / Σ_i C[i][j]    recall_j = C[j][j] / Σ_i C[j][i]
 *   F1_j = 2 P R / (P + R)                 (0 where a denominator is 0, as scikit-learn's zero_division=0)
 */
import { DataError } from '../errors.js';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** True examples of the class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  perClass: ClassScores[];
  macroF1: number;
  confusion: number[][];
}

export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, K: number): number[][] {
  if (actual.length !== predicted.length)
    throw new DataError(
      'confusionMatrix',
      `${actual.length} true labels but ${predicted.length} predictions; they must pair up.`,
    );
  const c = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let n = 0; n < actual.length; n++) {
    const [a, p] = [actual[n] as number, predicted[n] as number];
    if (!(Number.isInteger(a) && a >= 0 && a < K && Number.isInteger(p) && p >= 0 && p < K))
      throw new DataError('confusionMatrix', `pair ${n} is (${a}, ${p}); class ids must be integers in [0, ${K}).`);
    (c[a] as number[])[p] = ((c[a] as number[])[p] as number) + 1;
  }
  return c;
}

export function classificationReport(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  K: number,
): ClassificationReport {
  const confusion = confusionMatrix(actual, predicted, K);
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  let correct = 0;
  const perClass = confusion.map((row, j) => {
    const tp = row[j] as number;
    correct += tp;
    const predictedJ = confusion.reduce((s, r) => s + (r[j] as number), 0);
    const support = row.reduce((s, v) => s + v, 0);
    const precision = ratio(tp, predictedJ);
    const recall = ratio(tp, support);
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  return {
    accuracy: ratio(correct, actual.length),
    perClass,
    macroF1: perClass.reduce((s, c) => s + c.f1, 0) / K,
    confusion,
  };
}
