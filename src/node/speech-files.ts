/**
 * Speech on disk: recogniser model files (written atomically, read with errors that name the file)
 * and data folders of WAV recordings with what was said in each, from either
 *   a transcript table   transcripts.csv (or any CSV/TSV given) with columns `file` and `text`,
 *                        file paths relative to the folder; or
 *   the file names       `LABEL_anything.wav`: the text is the name up to its first underscore
 *                        (the Free Spoken Digit Dataset's `7_jackson_32.wav` says "7").
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { column } from '../data/table.js';
import type { Utterances } from '../data/utterances.js';
import { DataError } from '../errors.js';
import { decodeSpeechRecognizer, encodeSpeechRecognizer } from '../io/speech-model-file.js';
import type { Kernels } from '../kernels/index.js';
import type { SpeechRecognizer } from '../models/speech-recognizer.js';
import { readCsvFile } from './csv.js';
import { readBinaryFile, writeFileAtomic } from './files.js';
import { readWavFile } from './wav-files.js';

export function saveSpeechRecognizer(path: string, model: SpeechRecognizer): void {
  writeFileAtomic(path, encodeSpeechRecognizer(model));
}

export function loadSpeechRecognizer(path: string, kernels?: Kernels): SpeechRecognizer {
  const where = `loadSpeechRecognizer(${path})`;
  return decodeSpeechRecognizer(readBinaryFile(path, where), kernels, where);
}

/** A folder's recordings (resampled to `sampleRate`), their transcripts and file paths. */
export interface SpeechFolder extends Utterances {
  files: string[];
}

export interface SpeechFolderOptions {
  sampleRate: number;
  /** The transcript table; default `transcripts.csv` in the folder when it exists, else the file names. */
  transcripts?: string | undefined;
}

/** The transcript table's pairs, or every `LABEL_*.wav` in the folder (sorted by name). */
export function listSpeechFolder(dir: string, transcripts?: string): { files: string[]; texts: string[] } {
  const where = `speech folder ${dir}`;
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new DataError(
      where,
      'is not a folder.',
      'give a folder of WAV files (with transcripts.csv, or LABEL_*.wav).',
    );
  const table = transcripts ?? (existsSync(join(dir, 'transcripts.csv')) ? join(dir, 'transcripts.csv') : undefined);
  if (table !== undefined) {
    const t = readCsvFile(table);
    const [files, texts] = [column(t, 'file'), column(t, 'text')];
    if (files.length === 0) throw new DataError(table, 'lists no recordings.', 'one row per file: file,text.');
    return { files: files.map((f) => resolve(dir, f)), texts };
  }
  const names = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.wav'))
    .sort();
  const files: string[] = [];
  const texts: string[] = [];
  for (const name of names) {
    const cut = name.indexOf('_');
    if (cut <= 0)
      throw new DataError(
        where,
        `${name} is not named LABEL_anything.wav and there is no transcripts.csv.`,
        'name files like 7_jackson_0.wav, or add transcripts.csv with columns file,text.',
      );
    files.push(join(dir, name));
    texts.push(name.slice(0, cut));
  }
  if (files.length === 0)
    throw new DataError(
      where,
      'holds no .wav files.',
      'give a folder of WAV files (with transcripts.csv, or LABEL_*.wav).',
    );
  return { files, texts };
}

/** Read every recording a folder lists (see listSpeechFolder), resampled to opts.sampleRate. */
export function readSpeechFolder(dir: string, opts: SpeechFolderOptions): SpeechFolder {
  const { files, texts } = listSpeechFolder(dir, opts.transcripts);
  return readSpeechFiles(files, texts, opts.sampleRate);
}

/** These recordings and transcripts, each file read at `sampleRate`. */
export function readSpeechFiles(files: readonly string[], texts: readonly string[], sampleRate: number): SpeechFolder {
  const audio = files.map((f) => readWavFile(f, { sampleRate }).samples);
  return { audio, texts: [...texts], files: [...files], describe: (i) => basename(files[i] ?? `utterance ${i}`) };
}
