/**
 * A token vocabulary for classifiers and taggers: characters (code points) or words (`words()`:
 * lower case, letters, digits, apostrophes), built from training texts.
 *   id 0      <pad>  fills a batch past each sequence's end (never produced by encode)
 *   id 1      <unk>  every token the vocabulary lacks
 *   id 2 …    the known tokens, most frequent first (ties in code-unit order), so the ids of a
 *             vocabulary built twice from the same texts are the same
 * The rule it follows (and the other layout, the language model's) is in src/data/vocabulary.ts.
 */
import { ConfigError, DataError, ModelFileError, checkInteger } from '../errors.js';
import { PAD_TOKEN, UNKNOWN_TOKEN, Vocabulary } from './vocabulary.js';
import { words } from './words.js';

export type TokenKind = 'char' | 'word';

export const TOKEN_KINDS: readonly TokenKind[] = ['char', 'word'];

export interface TokenVocabOptions {
  /** 'char' or 'word' (default 'word'). */
  tokens?: TokenKind | undefined;
  /** Keep tokens seen at least this often in the training texts (default 1). */
  minCount?: number | undefined;
  /** Keep at most this many known tokens, the most frequent (default: all). */
  maxSize?: number | undefined;
}

/** The JSON a model file stores: the kind and the known tokens in id order (from id 2). */
export interface TokenVocabJson {
  tokens: TokenKind;
  known: string[];
}

export class TokenVocab extends Vocabulary {
  static readonly PAD_ID = 0;
  static readonly UNKNOWN_ID = 1;

  /** `known` in id order (from id 2): every id's token is '<pad>', '<unk>', then these. */
  constructor(
    readonly kind: TokenKind,
    known: readonly string[],
  ) {
    const where = 'TokenVocab';
    if (!TOKEN_KINDS.includes(kind))
      throw new ConfigError(where, `tokens must be 'char' or 'word'; got ${JSON.stringify(kind)}.`);
    known.forEach((token, i) => {
      const ok = kind === 'char' ? [...token].length === 1 : words(token).join(' ') === token;
      if (typeof token !== 'string' || !ok)
        throw new DataError(
          where,
          `known token ${i} is ${JSON.stringify(token)}; a ${kind} token must be ${kind === 'char' ? 'one character' : 'one lower-case word'}.`,
        );
    });
    super([PAD_TOKEN, UNKNOWN_TOKEN, ...known], where);
  }

  /** The vocabulary of the training texts: tokens seen at least minCount times, at most maxSize of them. */
  static build(texts: readonly string[], opts: TokenVocabOptions = {}): TokenVocab {
    const where = 'TokenVocab.build';
    const kind = opts.tokens ?? 'word';
    const minCount = checkInteger(where, 'minCount', opts.minCount ?? 1, 1);
    const maxSize = checkInteger(where, 'maxSize', opts.maxSize ?? Number.MAX_SAFE_INTEGER, 1);
    if (texts.length === 0) throw new DataError(where, 'no texts to build a vocabulary from.');
    const probe = new TokenVocab(kind, []);
    const counts = new Map<string, number>();
    for (const text of texts) for (const t of probe.tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const known = [...counts.entries()]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize)
      .map(([t]) => t);
    if (known.length === 0)
      throw new DataError(
        where,
        `no ${kind} token occurs ${minCount} or more times in the ${texts.length} texts.`,
        'lower minCount.',
      );
    return new TokenVocab(kind, known);
  }

  tokenize(text: string): string[] {
    return this.kind === 'char' ? [...text] : words(text);
  }

  /**
   * Text → ids of its first maxLength tokens (all without a maxLength). A text with no tokens
   * (punctuation only, for word tokens) reads as one <unk>; an empty or blank text is an error.
   */
  encode(text: string, maxLength = Number.MAX_SAFE_INTEGER, where = 'TokenVocab.encode'): Int32Array {
    if (typeof text !== 'string' || text.trim() === '')
      throw new DataError(
        where,
        `expected a non-empty text; got ${typeof text === 'string' ? 'an empty one' : typeof text}.`,
      );
    const tokens = this.tokenize(text);
    if (tokens.length === 0) return Int32Array.of(TokenVocab.UNKNOWN_ID);
    return this.encodeTokens(tokens.length > maxLength ? tokens.slice(0, maxLength) : tokens);
  }

  toJSON(): TokenVocabJson {
    return { tokens: this.kind, known: this.tokens.slice(2) };
  }

  /** A vocabulary from its JSON, every field checked (a ModelFileError says what is wrong). */
  static fromJSON(raw: unknown, where = 'TokenVocab.fromJSON'): TokenVocab {
    const json = raw as Partial<TokenVocabJson> | null;
    if (typeof json !== 'object' || json === null || !Array.isArray(json.known))
      throw new ModelFileError(where, 'the vocabulary must be an object {tokens, known: [...]}.');
    if (json.tokens !== 'char' && json.tokens !== 'word')
      throw new ModelFileError(
        where,
        `vocabulary tokens must be 'char' or 'word'; got ${JSON.stringify(json.tokens)}.`,
      );
    try {
      return new TokenVocab(json.tokens, json.known);
    } catch (e) {
      throw new ModelFileError(where, `the vocabulary is invalid: ${(e as Error).message}`);
    }
  }
}
