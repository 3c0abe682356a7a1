/**
 * The per-step baselines a sequence tagger is shown beside: the majority tag, and each token's most
 * frequent training tag (one token, no context; an unseen token gets the majority tag).
 */
import { ShapeError } from '../errors.js';
import { majorityClass } from './baselines.js';

export class TokenTagBaseline {
  private constructor(
    /** Token → how often it carried each of the K tags in training. */
    private readonly counts: Map<string, number[]>,
    /** The most frequent tag over every training step. */
    readonly majority: number,
    readonly K: number,
  ) {}

  /** tokens[n][t] carried tags[n][t] in [0, K). */
  static fit(tokens: readonly (readonly string[])[], tags: readonly Int32Array[], K: number): TokenTagBaseline {
    const counts = new Map<string, number[]>();
    tokens.forEach((sequence, n) => {
      const labels = tags[n] as Int32Array;
      if (labels.length !== sequence.length)
        throw new ShapeError(
          'TokenTagBaseline.fit',
          `sequence ${n} has ${sequence.length} tokens but ${labels.length} tags.`,
        );
      sequence.forEach((token, t) => {
        const c = counts.get(token) ?? new Array<number>(K).fill(0);
        c[labels[t] as number]! += 1;
        counts.set(token, c);
      });
    });
    const majority = majorityClass(
      tags.flatMap((l) => Array.from(l)),
      K,
    );
    return new TokenTagBaseline(counts, majority, K);
  }

  /** Each token's most frequent training tag. */
  predict(tokens: readonly string[]): number[] {
    return tokens.map((token) => {
      const c = this.counts.get(token);
      return c === undefined ? this.majority : c.indexOf(Math.max(...c));
    });
  }
}
