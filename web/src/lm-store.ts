/**
 * The language model's session in IndexedDB (through idb-keyval), so training continues after the
 * page is reloaded: the model file with its training state (the same bytes `lstm train --save`
 * writes, optimizer moments and carried state included), the text it learns from, and the loss
 * history the chart shows. Written at every checkpoint and when training pauses.
 */
import { del, get, set } from 'idb-keyval';

export interface SavedSession {
  /** encodeModel(model, { training }). */
  checkpoint: Uint8Array;
  /** Where the text came from ('moby-dick', 'lstm-source', or the user's 'pasted text'/file name). */
  textName: string;
  /** The user's own text; null for a built-in text (loaded again by name). */
  text: string | null;
  step: number;
  /** The chart's points so far. */
  curve: LossPoint[];
  savedAt: number;
}

export interface LossPoint {
  step: number;
  /** Training loss in bits per character. */
  train: number;
  /** Validation bits per character, where the step had a validation pass. */
  validation: number | null;
}

const KEY = 'lstm-playground/language-model';

export const saveSession = (session: SavedSession): Promise<void> => set(KEY, session);
export const loadSession = (): Promise<SavedSession | undefined> => get<SavedSession>(KEY);
export const forgetSession = (): Promise<void> => del(KEY);
