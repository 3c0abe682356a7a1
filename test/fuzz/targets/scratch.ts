/**
 * A scratch folder for one fuzz case, with the odd paths the option plans point at; made afresh
 * for every case (what one case writes never changes the next) and removed after it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PATH_KINDS } from '../plans.js';

let folder: string | undefined;

/** Where the child makes its folders: the run's own folder (the harness removes it, also after a killed child), else the system's. */
export function scratchBase(): string {
  return process.env['FUZZ_SCRATCH'] ?? tmpdir();
}

/** The current case's folder (made on first use). */
export function scratchFolder(): string {
  if (folder === undefined) {
    folder = mkdtempSync(join(scratchBase(), 'case-'));
    mkdirSync(join(folder, 'a-dir'));
    writeFileSync(join(folder, 'a-file'), 'not a folder\n');
    writeFileSync(join(folder, 'empty'), '');
    writeFileSync(
      join(folder, 'binary'),
      Uint8Array.from({ length: 512 }, (_, i) => (i * 37) & 0xff),
    );
  }
  return folder;
}

/** Remove the current case's folder; the next case gets a new one. */
export function removeScratchFolder(): void {
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}

/** A path of the given kind inside the scratch folder; `name` is the file an 'ok' path names. */
export function oddPath(kind: (typeof PATH_KINDS)[number], name: string): string {
  const dir = scratchFolder();
  switch (kind) {
    case 'missing-dir':
      return join(dir, 'no-such-folder', name);
    case 'a-dir':
      return join(dir, 'a-dir');
    case 'under-a-file':
      return join(dir, 'a-file', name);
    case 'empty-file':
      return join(dir, 'empty');
    case 'binary-file':
      return join(dir, 'binary');
    case 'dev-zero':
      return '/dev/zero'; // endless zeros: a reader without a size cap never stops
    case 'ok':
      return join(dir, name);
  }
}
