/**
 * A character vocabulary (the language model's): the sorted set of characters (Unicode code
 * points) of a corpus, then <unk> as the last id, so text with characters never seen in training
 * encodes without throwing. The rule it follows, and the layout of its ids in model files since
 * release 0.1.0, are in src/data/vocabulary.ts.
 */
import { DataError } from '../errors.js';
import { UNKNOWN_TOKEN, Vocabulary } from './vocabulary.js';

export { UNKNOWN_TOKEN } from './vocabulary.js';

export class Vocab extends Vocabulary {
  /** chars[id] for every known id; the unknown token's id is chars.length. */
  readonly chars: readonly string[];

  /** The known characters in id order (a model file's `vocab` entry); <unk> follows them. */
  constructor(chars: readonly string[]) {
    for (const ch of chars)
      if ([...ch].length !== 1)
        throw new DataError('Vocab', `every entry must be one character, got ${JSON.stringify(ch)}.`);
    super([...chars, UNKNOWN_TOKEN], 'Vocab', 'character');
    this.chars = [...chars];
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

  /** Text → ids; characters outside the vocabulary become unknownId. */
  encode(text: string): Int32Array {
    return this.encodeTokens([...text]);
  }

  /** The characters of `text` the vocabulary lacks (each once, in order of appearance). */
  unknownChars(text: string): string[] {
    const found = new Set<string>();
    for (const ch of text) if (!this.has(ch)) found.add(ch);
    return [...found];
  }

  /** Ids → text; the unknown token decodes as U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.tokenOf(ids[i] as number);
    return s;
  }
}
