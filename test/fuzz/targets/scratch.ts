/** A scratch folder of the fuzz child, made once, with the odd paths the option plans point at. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PATH_KINDS } from '../plans.js';

let folder: string | undefined;

export function scratchFolder(): string {
  if (folder === undefined) {
    folder = mkdtempSync(join(tmpdir(), 'lstm-fuzz-'));
    mkdirSync(join(folder, 'a-dir'));
    writeFileSync(join(folder, 'a-file'), 'not a folder\n');
    writeFileSync(join(folder, 'empty'), '');
    writeFileSync(join(folder, 'binary'), Uint8Array.from({ length: 512 }, (_, i) => (i * 37) & 0xff));
  }
  return folder;
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
    case 'ok':
      return join(dir, name);
  }
}
