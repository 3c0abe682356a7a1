import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataError, ModelFileError, setMemoryLimit } from '../../src/index.js';
import { readBinaryFile, readCsvFile, readTextFile } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-caps-'));
after(() => {
  setMemoryLimit(undefined);
  rmSync(dir, { recursive: true, force: true });
});

function quick<T>(f: () => T): T {
  const started = performance.now();
  try {
    return f();
  } finally {
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `took ${ms} ms`);
  }
}

describe('input files are read with a size cap', () => {
  it('refuses /dev/zero as text and as a model file, at once', () => {
    quick(() =>
      assert.throws(
        () => readTextFile('/dev/zero', 'lstm train'),
        (e: unknown) => e instanceof DataError && /\/dev\/zero is not a regular file/.test(e.message),
      ),
    );
    quick(() => assert.throws(() => readBinaryFile('/dev/zero', 'lstm info'), ModelFileError));
  });

  it('refuses a FIFO without blocking on it', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    quick(() =>
      assert.throws(
        () => readTextFile(fifo),
        (e: unknown) => e instanceof DataError && /not a regular file/.test(e.message),
      ),
    );
    quick(() => assert.throws(() => readCsvFile(fifo), DataError));
  });

  it('refuses a text file over an eighth of the memory limit before reading it, and a model file over the limit', () => {
    setMemoryLimit('8M');
    const big = join(dir, 'big.txt');
    writeFileSync(big, 'a'.repeat(2 * 2 ** 20));
    quick(() =>
      assert.throws(
        () => readTextFile(big, 'lstm train'),
        (e: unknown) =>
          e instanceof DataError &&
          /is 2\.0 MiB .* read up to 1\.0 MiB under the memory limit of 8\.0 MiB/.test(e.message) &&
          /--max-memory/.test(e.message),
      ),
    );
    const model = join(dir, 'big.lstm');
    writeFileSync(model, new Uint8Array(9 * 2 ** 20));
    quick(() =>
      assert.throws(
        () => readBinaryFile(model, 'loadModel'),
        (e: unknown) => e instanceof ModelFileError && /a model file is read up to/.test(e.message),
      ),
    );
    setMemoryLimit(undefined);
    assert.equal(readTextFile(big).length, 2 * 2 ** 20);
  });

  it('says when a file is not text', () => {
    const bin = join(dir, 'bin.txt');
    writeFileSync(bin, new Uint8Array([65, 0, 66]));
    assert.throws(() => readTextFile(bin), /looks binary/);
  });
});
