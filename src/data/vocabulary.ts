/**
 * The vocabulary rule every model shares: a vocabulary is the list of every id's token, special
 * tokens included, and
 *   id        the token's position in that list
 *   <unk>     always present: every token the vocabulary lacks encodes as it, so unseen text never
 *             fails to encode
 *   <pad>     present where a model pads its batches: it fills the steps past a sequence's end and
 *             never comes out of encode
 *   decode    a special token (or an id outside the list) reads as U+FFFD
 * Where the special tokens stand in the list is part of a model file's layout, and both layouts
 * in files are read exactly as written:
 *   characters (language model, src/data/vocab.ts)       the characters by code point, then <unk>
 *   tokens (classifier, tagger, src/data/token-vocab.ts)  <pad>, <unk>, then known tokens by frequency
 */
import { DataError } from '../errors.js';

export const PAD_TOKEN = '<pad>';
export const UNKNOWN_TOKEN = '<unk>';
const SPECIAL = new Set([PAD_TOKEN, UNKNOWN_TOKEN]);
const REPLACEMENT = '\uFFFD';

export class Vocabulary {
  /** tokens[id] for every id, <unk> (and <pad>, where present) included. */
  readonly tokens: readonly string[];
  /** The id every unknown token encodes as. */
  readonly unknownId: number;
  /** The id that pads a batch, or null for a vocabulary without padding. */
  readonly padId: number | null;
  /** The known (non-special) tokens' ids. */
  private readonly ids: Map<string, number>;

  /**
   * `tokens` in id order, with exactly one <unk> and at most one <pad>; each known token once
   * (a repeat is a DataError naming it; `describe` says what a token is, e.g. 'character').
   */
  constructor(tokens: readonly string[], where = 'Vocabulary', describe = 'token') {
    const at = (special: string): number[] => tokens.flatMap((t, i) => (t === special ? [i] : []));
    const unknown = at(UNKNOWN_TOKEN);
    const pad = at(PAD_TOKEN);
    if (unknown.length !== 1 || pad.length > 1)
      throw new DataError(
        where,
        `a vocabulary holds ${UNKNOWN_TOKEN} once and ${PAD_TOKEN} at most once; got ${unknown.length} and ${pad.length}.`,
      );
    this.ids = new Map();
    tokens.forEach((token, id) => {
      if (SPECIAL.has(token)) return;
      if (this.ids.has(token)) throw new DataError(where, `${describe} ${JSON.stringify(token)} appears twice.`);
      this.ids.set(token, id);
    });
    this.tokens = [...tokens];
    this.unknownId = unknown[0] as number;
    this.padId = pad[0] ?? null;
  }

  /** Number of ids, the special tokens included. */
  get size(): number {
    return this.tokens.length;
  }

  /** True for a known (non-special) token. */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** A token's id; unknownId for every token the vocabulary lacks. */
  idOf(token: string): number {
    return this.ids.get(token) ?? this.unknownId;
  }

  /** Tokens → ids (unknownId for the unknown ones). */
  encodeTokens(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.idOf(tokens[i] as string);
    return out;
  }

  /** An id's token; U+FFFD for a special token or an id outside the vocabulary. */
  tokenOf(id: number): string {
    const token = this.tokens[id];
    return token === undefined || SPECIAL.has(token) ? REPLACEMENT : token;
  }
}
