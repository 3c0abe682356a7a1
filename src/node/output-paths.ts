/**
 * Output paths checked before any work starts, so a run never trains for an hour and then fails to
 * save: the folder exists and can be written to, the target is not a folder, and no two outputs of
 * one command are the same file. Checking also removes the temporary files a killed writer left
 * beside the target (see writeFileAtomic), so they never pile up.
 */
import { accessSync, constants, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { PathError } from '../errors.js';

/** The temporary file writeFileAtomic writes before renaming it over `path`: `<path>.tmp-<pid>`. */
export function temporaryPathFor(path: string, pid = process.pid): string {
  return `${path}.tmp-${pid}`;
}

const TEMPORARY_SUFFIX = /\.tmp-(\d+)$/;

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove `<path>.tmp-<pid>` files whose writer is no longer running (a run killed between writing
 * and renaming); returns the names removed.
 */
export function removeStaleTemporaries(path: string): string[] {
  const folder = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(TEMPORARY_SUFFIX.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || isRunning(pid)) continue;
    rmSync(resolve(folder, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Check that `path` can be written as a file: its folder exists, is a folder and is writable; the
 * path itself is not a folder and, if it exists, is writable. `who` and `what` name the command
 * and the option in the message ("lstm train --save").
 */
export function checkOutputPath(path: string, who: string): void {
  if (path === '') throw new PathError(who, 'the output path is empty; expected a file name.');
  const folder = dirname(resolve(path));
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new PathError(who, `cannot write ${path}: the folder ${folder} does not exist.`, 'create it first.');
  }
  if (!folderStat.isDirectory()) throw new PathError(who, `cannot write ${path}: ${folder} is a file, not a folder.`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new PathError(who, `cannot write ${path}: the folder ${folder} is not writable (permission denied).`);
  }
  let target;
  try {
    target = statSync(path);
  } catch {
    target = undefined; // a new file
  }
  if (target?.isDirectory())
    throw new PathError(who, `cannot write ${path}: it is a folder.`, 'give a file name inside it.');
  if (target !== undefined) {
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw new PathError(who, `cannot write ${path}: the file is not writable (permission denied).`);
    }
  }
  removeStaleTemporaries(path);
}

/**
 * Check that `folder` is a folder a command can write its files into, creating it (mkdir -p) when
 * absent: if it exists it is a folder and writable; if not, its nearest existing ancestor is.
 */
export function checkOutputFolder(folder: string, who: string): void {
  if (folder === '') throw new PathError(who, 'the output folder is empty; expected a folder name.');
  let at = resolve(folder);
  for (;;) {
    let stat;
    try {
      stat = statSync(at);
    } catch {
      const parent = dirname(at);
      if (parent === at) throw new PathError(who, `cannot create ${folder}: no part of it exists.`);
      at = parent;
      continue;
    }
    if (!stat.isDirectory()) {
      const whose = at === resolve(folder) ? `${folder} is a file` : `${at} is a file`;
      throw new PathError(who, `cannot write into ${folder}: ${whose}, not a folder.`);
    }
    try {
      accessSync(at, constants.W_OK);
    } catch {
      throw new PathError(who, `cannot write into ${folder}: the folder ${at} is not writable (permission denied).`);
    }
    return;
  }
}

/**
 * Check every output of one command (checkOutputPath each) and that no two are the same file:
 * `outputs` maps the option that names each ("--save", "--out chart") to its path. A file inside
 * one of `createdFolders` (checked with checkOutputFolder, created by the command when absent) is
 * only checked when its folder already exists.
 */
export function checkOutputPaths(
  who: string,
  outputs: ReadonlyArray<readonly [option: string, path: string]>,
  createdFolders: readonly string[] = [],
): void {
  const created = new Set(createdFolders.map((f) => resolve(f)));
  const seen = new Map<string, string>();
  for (const [option, path] of outputs) {
    const key = resolve(path);
    const folder = dirname(key);
    if (!created.has(folder) || existsSync(folder)) checkOutputPath(path, `${who} ${option}`);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new PathError(who, `${option} and ${earlier} both write ${path}; the second would overwrite the first.`);
    seen.set(key, option);
  }
}

/**
 * Refuse an output that is one of the command's inputs (`lstm train notes.txt --save notes.txt`):
 * writing it would destroy the input. `outputs` and `inputs` map each option to its path.
 */
export function checkInputsKept(
  who: string,
  outputs: ReadonlyArray<readonly [option: string, path: string]>,
  inputs: ReadonlyArray<readonly [option: string, path: string | undefined]>,
): void {
  for (const [inOption, inPath] of inputs) {
    if (inPath === undefined) continue;
    const clash = outputs.find(([, outPath]) => resolve(outPath) === resolve(inPath));
    if (clash !== undefined)
      throw new PathError(who, `${clash[0]} ${clash[1]} is also ${inOption}; writing it would destroy that input.`);
  }
}
