/**
 * Files, for Node only: text corpora read with clear errors, and atomic writes (a temporary
 * file in the same folder, flushed, then renamed over the target), so a crash or Ctrl-C never
 * leaves a half-written model and the previous checkpoint stays intact until the new one is whole.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError, ModelFileError, PathError } from '../errors.js';
import { formatBytes, memoryLimit } from '../nn/memory-budget.js';
import {
  decodeModel,
  decodeModelFile,
  type EncodeOptions,
  encodeModel,
  type ModelFileContents,
} from '../io/model-file.js';
import {
  encodeTorchStateDict,
  loadTorchRecurrent,
  type TorchRecurrent,
  type TorchRecurrentArgs,
} from '../io/pytorch-recurrent.js';
import { OnnxModel } from '../io/onnx/model.js';
import { planTfjsLayersModel } from '../io/tfjs-layers.js';
import { joinTfjsShards, readTfjsManifest } from '../io/tfjs-manifest.js';
import type { Kernels } from '../kernels/index.js';
import { SequentialModel } from '../models/sequential.js';
import type { LanguageModel } from '../models/language-model.js';
import { temporaryPathFor } from './output-paths.js';
import { checkShardFile } from './tfjs-shards.js';

function describeFsError(e: unknown, path: string): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return `there is no file at ${path}.`;
  if (code === 'EISDIR') return `${path} is a folder, not a file.`;
  if (code === 'EACCES') return `${path} cannot be read (permission denied).`;
  return `${path} cannot be read: ${(e as Error).message}`;
}

/** The longest string V8 makes (2^29 − 24 characters): a text file past it cannot be held as one string. */
const LONGEST_STRING = 2 ** 29 - 24;

/**
 * The most bytes a text file may have: an eighth of the memory budget (its bytes, the string of
 * up to two bytes a character, and the int32 ids a model reads all live at once), and no more
 * than V8's longest string.
 */
export function textFileCap(): number {
  return Math.min(Math.floor(memoryLimit().bytes / 8), LONGEST_STRING);
}

/**
 * The size of the regular file at path, checked against `cap` before a byte is read; a device
 * (/dev/zero), FIFO or socket never ends or blocks, so it is refused. `fail` makes the error.
 */
function checkedFileSize(
  path: string,
  cap: number,
  what: string,
  fail: (problem: string, hint?: string) => Error,
): number {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw fail(describeFsError(e, path));
  }
  if (stat.isDirectory()) throw fail(`${path} is a folder, not a file.`);
  if (!stat.isFile()) {
    throw fail(
      `${path} is not a regular file (a device, pipe or socket); expected ${what}.`,
      'save the data to a file first.',
    );
  }
  if (stat.size > cap) {
    const limit = memoryLimit();
    throw fail(
      `${path} is ${formatBytes(stat.size)} (${stat.size} bytes); ${what} is read up to ${formatBytes(cap)} under the memory limit of ${formatBytes(limit.bytes)} (${limit.source}).`,
      'use a smaller file, or raise the limit with the option --max-memory SIZE (or LSTM_MAX_MEMORY, or setMemoryLimit()).',
    );
  }
  return stat.size;
}

/**
 * Read a UTF-8 text file (a corpus, a CSV); refuses missing, empty and binary files, anything but
 * a regular file, and files over textFileCap() (before reading them).
 */
export function readTextFile(path: string, who = 'readTextFile'): string {
  checkedFileSize(path, textFileCap(), 'UTF-8 text', (problem, hint) => new DataError(who, problem, hint));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(who, describeFsError(e, path));
  }
  if (bytes.length === 0) throw new DataError(who, `${path} is empty; expected UTF-8 text.`);
  const sample = bytes.subarray(0, 1 << 16);
  if (sample.includes(0)) {
    throw new DataError(
      who,
      `${path} looks binary (it contains NUL bytes); expected UTF-8 text.`,
      'pass a plain-text file.',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(who, `${path} is not valid UTF-8 text.`, 'convert it to UTF-8 first (e.g. iconv -t utf-8).');
  }
}

/**
 * Write bytes to path atomically: temporary file (temporaryPathFor: `<path>.tmp-<pid>`, removed by
 * the next checkOutputPath if this process is killed before the rename), fsync, rename. A failure
 * (a folder gone since the command checked it, a full disk) is a PathError; the target is unchanged.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = temporaryPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new PathError('writeFileAtomic', describeWriteError(e, path));
  }
}

function describeWriteError(e: unknown, path: string): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return `cannot write ${path}: its folder does not exist.`;
  if (code === 'EISDIR') return `cannot write ${path}: it is a folder, not a file.`;
  if (code === 'ENOTDIR') return `cannot write ${path}: a part of its folder is a file, not a folder.`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot write ${path}: permission denied.`;
  if (code === 'ENOSPC') return `cannot write ${path}: the disk is full.`;
  return `cannot write ${path}: ${(e as Error).message}`;
}

/** Write a model file atomically; with `{ training }` (fit's result.training) a checkpoint to resume from. */
export function saveModel(path: string, model: LanguageModel, opts: EncodeOptions = {}): void {
  writeFileAtomic(path, encodeModel(model, opts));
}

/**
 * A file's bytes, or a ModelFileError that says why they cannot be read: anything but a regular
 * file, or a file larger than the memory limit (a model needs at least its file's bytes again for
 * its arrays), is refused before it is read.
 */
export function readBinaryFile(path: string, who: string): Uint8Array {
  checkedFileSize(path, memoryLimit().bytes, 'a model file', (problem, hint) => new ModelFileError(who, problem, hint));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ModelFileError(who, describeFsError(e, path));
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function loadModel(path: string, kernels?: Kernels): LanguageModel {
  return decodeModel(readBinaryFile(path, 'loadModel'), kernels, `loadModel(${path})`);
}

/** A model file's model and, for a checkpoint, the training state beside it (for fit's `resume`). */
export function loadCheckpoint(path: string, kernels?: Kernels): ModelFileContents {
  return decodeModelFile(readBinaryFile(path, 'loadCheckpoint'), kernels, `loadCheckpoint(${path})`);
}

/** A PyTorch recurrent module's state_dict from a .safetensors file (src/io/pytorch-recurrent.ts). */
export function loadTorchRecurrentFile(
  path: string,
  args: TorchRecurrentArgs,
  opts: { kernels?: Kernels; prefix?: string } = {},
): TorchRecurrent {
  return loadTorchRecurrent(args, readBinaryFile(path, 'loadTorchRecurrentFile'), opts);
}

/** Write a stack's state_dict as .safetensors (atomically), for safetensors.torch.load_file. */
export function saveTorchStateDict(path: string, model: TorchRecurrent): void {
  writeFileAtomic(path, encodeTorchStateDict(model));
}

/**
 * A TensorFlow.js layers model from its model.json, with the weight shards its manifest names
 * (paths relative to model.json), ready to predict (src/models/sequential.ts).
 */
export function loadTfjsLayersModelFile(modelJsonPath: string, kernels?: Kernels): SequentialModel {
  const who = 'loadTfjsLayersModelFile';
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(readBinaryFile(modelJsonPath, who)));
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(who, `${modelJsonPath} is not JSON: ${(e as Error).message.slice(0, 80)}`);
  }
  try {
    const groups = readTfjsManifest(json);
    const shards = groups.map((g) =>
      g.paths.map((p) => {
        const path = join(dirname(modelJsonPath), p);
        checkShardFile(path, p.slice(0, 80), g.bytes, 'TensorFlow.js model');
        return readBinaryFile(path, 'TensorFlow.js model');
      }),
    );
    return new SequentialModel(planTfjsLayersModel(json, joinTfjsShards(groups, shards)), kernels);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(who, `${modelJsonPath}: ${e.message}`);
    throw e;
  }
}

/** Read an .onnx file into an OnnxModel (see src/io/onnx/model.ts for what it runs). */
export function loadOnnxModelFile(path: string, kernels?: Kernels): OnnxModel {
  const bytes = readBinaryFile(path, 'loadOnnxModelFile');
  try {
    return OnnxModel.fromBytes(bytes, kernels);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError('loadOnnxModelFile', `${path}: ${e.message}`);
    throw e;
  }
}
