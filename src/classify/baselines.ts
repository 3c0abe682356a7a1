/**
 * The baselines a sequence classifier is shown beside:
 *   majority class   always the most frequent training class
 *   bag of words     multinomial logistic regression on log(1 + count) of the V most frequent
 *                    training words (by documents containing them), fitted by full-batch Adam
 *                    with L2 on the shared engine (src/train/loop.ts); word order is ignored,
 *                    which is exactly what an LSTM adds
 */
import { words } from '../data/words.js';
import { ConfigError, DataError } from '../errors.js';
import { type Floats, RefKernels } from '../kernels/index.js';
import { softmaxInto } from '../loss/softmax.js';
import { ParamArena } from '../nn/params.js';
import { runTraining } from '../train/loop.js';
import { Updater } from '../train/update.js';

export { words } from '../data/words.js';

export function majorityClass(labels: ArrayLike<number>, K: number): number {
  const counts = new Array<number>(K).fill(0);
  for (let n = 0; n < labels.length; n++) counts[labels[n] as number] = (counts[labels[n] as number] as number) + 1;
  return counts.indexOf(Math.max(...counts));
}

export interface BagOfWordsOptions {
  vocabularySize?: number;
  iterations?: number;
  learningRate?: number;
  l2?: number;
}

export class BagOfWordsClassifier {
  private constructor(
    private readonly vocabulary: Map<string, number>,
    private readonly weights: Floats, // (K, V + 1), the bias last
    readonly K: number,
  ) {}

  private static features(vocabulary: Map<string, number>, text: string): Map<number, number> {
    const counts = new Map<number, number>();
    for (const w of words(text)) {
      const i = vocabulary.get(w);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    for (const [i, c] of counts) counts.set(i, Math.log1p(c));
    return counts;
  }

  static fit(
    texts: readonly string[],
    labels: ArrayLike<number>,
    K: number,
    opts: BagOfWordsOptions = {},
  ): BagOfWordsClassifier {
    if (texts.length !== labels.length || texts.length === 0)
      throw new DataError(
        'BagOfWordsClassifier.fit',
        `${texts.length} texts and ${labels.length} labels; they must pair up and not be empty.`,
      );
    const V = opts.vocabularySize ?? 5000;
    if (!Number.isInteger(V) || V < 1)
      throw new ConfigError('BagOfWordsClassifier', `vocabularySize must be a positive integer; got ${V}.`);
    const documentFrequency = new Map<string, number>();
    for (const t of texts)
      for (const w of new Set(words(t))) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
    const top = [...documentFrequency.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, V);
    const vocabulary = new Map(top.map(([w], i) => [w, i]));
    const n = top.length + 1; // + bias
    const rows = texts.map((t) => BagOfWordsClassifier.features(vocabulary, t));
    // the weights (K, n) in a float64 parameter arena, updated by the project's Adam (L2 as its weightDecay)
    const kernels = new RefKernels('float64');
    const arena = new ParamArena(kernels, [{ name: 'weights', shape: [K, n] }]);
    const g = arena.grads;
    const model = new BagOfWordsClassifier(vocabulary, arena.values, K);
    // full batch: every update reads all rows; the loss is the mean cross-entropy
    const probabilities: Float64Array[] = [];
    runTraining(
      new Updater(kernels, arena, {
        learningRate: opts.learningRate ?? 0.05,
        optimizer: { name: 'adam', weightDecay: opts.l2 ?? 1e-4 },
        clip: 0,
      }),
      {
        batches: () => [rows],
        forwardLoss: (batch) => {
          let loss = 0;
          batch.forEach((x, d) => {
            const p = (probabilities[d] = model.probabilitiesOf(x));
            // a probability that underflowed to 0 counts as the smallest double, so the loss stays finite
            loss -= Math.log(Math.max(p[labels[d] as number] as number, Number.MIN_VALUE));
          });
          return loss / batch.length;
        },
        // ∂loss/∂z_k = (p_k − [k = label]) / N, for the weights of each present word and the bias
        backward: () => {
          rows.forEach((x, d) => {
            const p = probabilities[d] as Float64Array;
            p[labels[d] as number] = (p[labels[d] as number] as number) - 1;
            for (let k = 0; k < K; k++) {
              const pk = (p[k] as number) / rows.length;
              for (const [i, value] of x) g[k * n + i] = (g[k * n + i] as number) + pk * value;
              g[k * n + n - 1] = (g[k * n + n - 1] as number) + pk;
            }
          });
        },
      },
      { maxEpochs: opts.iterations ?? 200 },
    );
    return model;
  }

  private probabilitiesOf(x: Map<number, number>): Float64Array {
    const n = this.vocabulary.size + 1;
    const z = Float64Array.from({ length: this.K }, (_, k) => {
      let s = this.weights[k * n + n - 1] as number;
      for (const [i, value] of x) s += (this.weights[k * n + i] as number) * value;
      return s;
    });
    softmaxInto(z, 0, this.K, z);
    return z;
  }

  /** Class probabilities of a text. */
  probabilities(text: string): Float64Array {
    return this.probabilitiesOf(BagOfWordsClassifier.features(this.vocabulary, text));
  }

  predict(text: string): number {
    const p = this.probabilities(text);
    return p.indexOf(Math.max(...p));
  }
}
