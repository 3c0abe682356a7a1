/**
 * Output paths (src/node/output-paths.ts) and atomic writes (src/node/files.ts): folders a command
 * creates are checked up to their nearest existing part, two outputs of one file are refused, and
 * a write that fails is a PathError that leaves the target and no temporary file behind.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PathError } from '../../src/errors.js';
import { checkOutputFolder, checkOutputPaths, writeFileAtomic } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-output-paths-node-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const aFile = join(dir, 'file.txt');
writeFileSync(aFile, 'x');

function throwsPath(f: () => void, message: RegExp): void {
  assert.throws(f, (e: Error) => e instanceof PathError && message.test(e.message));
}

describe('checkOutputFolder', () => {
  it('accepts an existing folder and one whose nearest existing part is a writable folder', () => {
    checkOutputFolder(dir, 'who');
    checkOutputFolder(join(dir, 'a', 'b', 'c'), 'who');
  });

  it('refuses a file, a path under a file and an empty name, naming the part that is a file', () => {
    throwsPath(
      () => checkOutputFolder(aFile, 'lstm x --out'),
      /^lstm x --out: cannot write into .*file\.txt is a file/,
    );
    throwsPath(() => checkOutputFolder(join(aFile, 'a', 'b'), 'who'), /file\.txt is a file, not a folder/);
    throwsPath(() => checkOutputFolder('', 'who'), /empty/);
  });
});

describe('checkOutputPaths', () => {
  it('checks files in a folder the command will create only once it exists; refuses two outputs of one file', () => {
    const created = join(dir, 'charts');
    checkOutputPaths('who', [['--out a', join(created, 'a.svg')]], [created]);
    throwsPath(() => checkOutputPaths('who', [['--out a', join(created, 'a.svg')]]), /does not exist/);
    throwsPath(
      () =>
        checkOutputPaths('lstm x', [
          ['--save', join(dir, 'r.md')],
          ['--out r.md', join(dir, '.', 'r.md')],
        ]),
      /^lstm x: --out r\.md and --save both write/,
    );
  });
});

describe('writeFileAtomic', () => {
  it('a write that fails is a PathError; nothing temporary is left', () => {
    throwsPath(() => writeFileAtomic(join(dir, 'missing', 'x.bin'), new Uint8Array(3)), /its folder does not exist/);
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    throwsPath(() => writeFileAtomic(folder, new Uint8Array(3)), /cannot write .*folder/);
    const target = join(dir, 'kept.bin');
    writeFileAtomic(target, new Uint8Array([1, 2]));
    assert.deepEqual([...readFileSync(target)], [1, 2]);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes('.tmp-')),
      [],
    );
  });
});
