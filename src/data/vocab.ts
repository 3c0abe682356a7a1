/**
 * A character vocabulary: the sorted set of characters (Unicode code points) of a corpus, plus an
 * unknown-character token as the last id, so text with characters never seen in training encodes
 * without throwing.
 */
import { DataError, ModelFileError } from '../errors.js';

export const UNKNOWN_TOKEN = '<unk>';

export class Vocab {
  /** chars[id] for every known id; the unknown token's id is chars.length. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(chars: readonly string[]) {
    const seen = new Set<string>();
    for (const ch of chars) {
      if ([...ch].length !== 1) {
        throw new ModelFileError('Vocab', `every entry must be one character, got ${JSON.stringify(ch)}.`);
      }
      if (seen.has(ch)) throw new ModelFileError('Vocab', `character ${JSON.stringify(ch)} appears twice.`);
      seen.add(ch);
    }
    this.chars = [...chars];
    this.ids = new Map(this.chars.map((ch, i) => [ch, i]));
  }

  /** The sorted set of characters of `text` (by code point). */
  static fromText(text: string): Vocab {
    const set = new Set<string>();
    for (const ch of text) set.add(ch);
    if (set.size === 0)
      throw new DataError('Vocab.fromText', 'the text is empty; a vocabulary needs at least one character.');
    const chars = [...set].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
    return new Vocab(chars);
  }

  /** Number of ids, the unknown token included. */
  get size(): number {
    return this.chars.length + 1;
  }

  get unknownId(): number {
    return this.chars.length;
  }

  has(ch: string): boolean {
    return this.ids.has(ch);
  }

  /** Text → ids; characters outside the vocabulary become unknownId. */
  encode(text: string): Int32Array {
    const out: number[] = [];
    for (const ch of text) out.push(this.ids.get(ch) ?? this.chars.length);
    return Int32Array.from(out);
  }

  /** The characters of `text` the vocabulary lacks (each once, in order of appearance). */
  unknownChars(text: string): string[] {
    const found = new Set<string>();
    for (const ch of text) if (!this.ids.has(ch)) found.add(ch);
    return [...found];
  }

  /** Ids → text; the unknown token decodes as U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i] as number] ?? '\uFFFD';
    return s;
  }
}
