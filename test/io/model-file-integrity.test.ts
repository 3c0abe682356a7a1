/**
 * The integrity of the whole model file (issue 17): a format_version 2 file's checksum covers the
 * header and the data, and every header field is checked before anything is allocated, so each
 * damaged file the issue found (a flipped bit in the training history, shifted or aliased tensor
 * offsets, a reversed vocabulary, a duplicated JSON key, a checkpoint with learning rate −1, clip
 * −5 or a wrong step, a config claiming hiddenSize 8000 or numLayers 1e9, a negated forecaster
 * target scale) ends in a ModelFileError naming what is wrong. Release 0.1.0 files (format_version
 * 1, header unprotected) still load; their damaged headers are refused by the field checks where a
 * check can tell.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ModelFileError } from '../../src/errors.js';
import { setMemoryLimit } from '../../src/nn/memory-budget.js';
import { decodeForecaster, encodeForecaster } from '../../src/io/forecaster-file.js';
import { decodeModelFile, encodeModel } from '../../src/io/model-file.js';
import { crc32 } from '../../src/io/safetensors.js';
import { decodeClassifier, decodeTagger, encodeClassifier, encodeTagger } from '../../src/io/sequence-model-file.js';
import { RefKernels } from '../../src/kernels/index.js';
import { parseCsv } from '../../src/node/csv.js';
import { Rng } from '../../src/rng.js';
import { runCli } from '../helpers/cli.js';

const DIR = 'test/fixtures/';
const k = new RefKernels();
const readV1 = (name: string): Uint8Array => new Uint8Array(readFileSync(`${DIR}${name}-v0.1.0.lstm`));
const texts = ['the film was great fun', 'very dull and boring plot', 'music'];
const table = parseCsv(readFileSync(`${DIR}model-files-sales.csv`, 'utf8'));

type Kind = 'lm' | 'classifier' | 'tagger' | 'forecaster';
const KINDS: Kind[] = ['lm', 'classifier', 'tagger', 'forecaster'];

/** Load a file of `kind` and return what its model computes, as JSON (equal outputs, equal text). */
function outputsOf(kind: Kind, bytes: Uint8Array): string {
  switch (kind) {
    case 'lm': {
      const { model, training } = decodeModelFile(bytes, k);
      const text = model.generate({ prime: 'First ', length: 30, temperature: 0.8, seed: 7 }).text;
      return JSON.stringify([text, model.evaluate('First Citizen:\nBefore we proceed').nats, training?.state.step]);
    }
    case 'classifier':
      return JSON.stringify(
        decodeClassifier(bytes, k)
          .predictProba(texts)
          .map((p) => Array.from(p)),
      );
    case 'tagger':
      return JSON.stringify(
        decodeTagger(bytes, k)
          .predictProba(texts)
          .map((s) => s.map((p) => Array.from(p))),
      );
    case 'forecaster':
      return JSON.stringify(decodeForecaster(bytes, k).forecast(table), (_, v: unknown) =>
        v instanceof Float64Array ? Array.from(v) : v,
      );
  }
}

/** The release 0.1.0 file of `kind` written again: a format_version 2 file. */
function upgraded(kind: Kind): Uint8Array {
  const v1 = readV1(kind);
  switch (kind) {
    case 'lm': {
      const { model, training } = decodeModelFile(v1, k);
      return encodeModel(model, { training });
    }
    case 'classifier':
      return encodeClassifier(decodeClassifier(v1, k));
    case 'tagger':
      return encodeTagger(decodeTagger(v1, k));
    case 'forecaster':
      return encodeForecaster(decodeForecaster(v1, k));
  }
}

const V2 = Object.fromEntries(KINDS.map((kind) => [kind, upgraded(kind)])) as Record<Kind, Uint8Array>;

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, text: new TextDecoder().decode(bytes.subarray(8, 8 + length)) };
}

/**
 * The file with its header text replaced by `edit(text)` (the data section kept). With `seal`, the
 * file checksum of a version 2 file is computed again, as a deliberate forger would: what remains
 * to catch the damage is the field checks.
 */
function withHeader(bytes: Uint8Array, edit: (text: string) => string, seal = false): Uint8Array {
  const { length, text } = headerOf(bytes);
  let json = edit(text).trimEnd();
  const sealed = seal && /"file_crc32":"[0-9a-f]{8}"/.test(json);
  if (sealed) json = json.replace(/"file_crc32":"[0-9a-f]{8}"/, '"file_crc32":"00000000"');
  let header = new TextEncoder().encode(json);
  header = new TextEncoder().encode(json + ' '.repeat(Math.ceil(header.length / 8) * 8 - header.length));
  const data = bytes.subarray(8 + length);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  if (sealed) {
    const at = 8 + new TextDecoder().decode(header).indexOf('"file_crc32":"') + '"file_crc32":"'.length;
    out.set(new TextEncoder().encode(crc32(out).toString(16).padStart(8, '0')), at);
  }
  return out;
}

/** An edit of one metadata entry's JSON (config, training, encoding …) inside the header text. */
function editEntry(key: string, change: (value: Record<string, unknown>) => void): (text: string) => string {
  return (text) => {
    const header = JSON.parse(text) as { __metadata__: Record<string, string> };
    const value = JSON.parse(header.__metadata__[key] as string) as Record<string, unknown>;
    change(value);
    header.__metadata__[key] = JSON.stringify(value);
    return JSON.stringify(header);
  };
}

/** An edit of the tensor entries of the header. */
function editTensors(change: (tensors: Record<string, { data_offsets: number[] }>) => void): (text: string) => string {
  return (text) => {
    const header = JSON.parse(text) as Record<string, { data_offsets: number[] }>;
    change(header);
    return JSON.stringify(header);
  };
}

function assertRefused(load: () => unknown, message: RegExp): void {
  assert.throws(load, (e: Error) => {
    assert.ok(e instanceof ModelFileError, `a ModelFileError, not ${e.name}: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });
}

const loadLm = (bytes: Uint8Array) => (): unknown => decodeModelFile(bytes, k);

describe('model file integrity', () => {
  it('a flipped bit in the training history: a checksum error in a version 2 file; lstm info on a version 1 file names the field', () => {
    const v2 = V2.lm;
    const at = 8 + headerOf(v2).text.indexOf('"trainLoss');
    const flipped = v2.slice();
    flipped[at + 5] = (flipped[at + 5] as number) ^ 0x01;
    assertRefused(loadLm(flipped), /checksum \(header and weights\) is [0-9a-f]{8}, the header says/);
    // version 1: 'trainLoss' → 'trainLos3' (bit 0x40 of one byte); the record lacks its loss
    const v1 = readV1('lm');
    const v1At = 8 + headerOf(v1).text.lastIndexOf('trainLoss') + 8;
    const damaged = v1.slice();
    damaged[v1At] = (damaged[v1At] as number) ^ 0x40;
    assertRefused(loadLm(damaged), /training\.history\[1\]\.trainLoss must be a finite number/);
  });

  it('lstm info on a damaged version 1 file prints the clear error, without a stack trace', () => {
    const v1 = readV1('lm');
    const damaged = withHeader(v1, (t) => t.replace('"trainLoss\\":', '"trainLoss\\":\\"x\\",\\"u\\":'));
    const path = `${process.env.TMPDIR ?? '/tmp'}/lstm-integrity-${process.pid}.lstm`;
    writeFileSync(path, damaged);
    try {
      const run = runCli(['info', path]);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /training\.history\[0\]\.trainLoss must be a finite number ≥ 0; got "x"/);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
      const fine = runCli(['info', `${DIR}lm-v0.1.0.lstm`]);
      assert.equal(fine.code, 0);
      assert.match(fine.stdout, /format_version 1 \(release 0\.1\.0\): the header is not protected by a checksum/);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('shifted and aliased tensor offsets are refused (version 1, whose data checksum still matches, and a resealed version 2)', () => {
    for (const bytes of [readV1('lm'), V2.lm]) {
      const shifted = withHeader(
        bytes,
        editTensors((t) => {
          const e = t['lstm.bias_hh_l0'] as { data_offsets: number[] };
          e.data_offsets = e.data_offsets.map((o) => o + 4);
        }),
        true,
      );
      assertRefused(loadLm(shifted), /tensor offsets must be contiguous, without gaps or shared bytes/);
      const aliased = withHeader(
        bytes,
        editTensors((t) => {
          (t['lstm.bias_hh_l0'] as { data_offsets: number[] }).data_offsets = [
            ...(t['lstm.bias_ih_l0'] as { data_offsets: number[] }).data_offsets,
          ];
        }),
        true,
      );
      assertRefused(loadLm(aliased), /tensor offsets must be contiguous/);
    }
  });

  it('a reversed vocabulary is caught by the checksum of a version 2 file', () => {
    const edit = (text: string): string => {
      const header = JSON.parse(text) as { __metadata__: Record<string, string> };
      header.__metadata__.vocab = JSON.stringify(
        (JSON.parse(header.__metadata__.vocab as string) as string[]).reverse(),
      );
      return JSON.stringify(header);
    };
    assertRefused(loadLm(withHeader(V2.lm, edit)), /checksum/);
  });

  it('a JSON key named twice is refused, in the header and in an entry', () => {
    for (const bytes of [readV1('lm'), V2.lm]) {
      const inHeader = withHeader(
        bytes,
        (t) =>
          t.replace(
            /^\{"__metadata__":/,
            '{"head.bias":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"__metadata__":',
          ),
        true,
      );
      assertRefused(loadLm(inHeader), /the header names the key "head\.bias" twice/);
      const inConfig = withHeader(
        bytes,
        (t) => t.replace('\\"hiddenSize\\":16', '\\"hiddenSize\\":16,\\"hiddenSize\\":16'),
        true,
      );
      assertRefused(loadLm(inConfig), /the 'config' entry names the key "hiddenSize" twice/);
    }
  });

  it('a checkpoint with learning rate −1, clip −5 or a wrong step is refused, naming the field', () => {
    const cases: Array<[(s: Record<string, unknown>) => void, RegExp]> = [
      [
        (s) => ((s.recipe as Record<string, unknown>).learningRate = -1),
        /training\.recipe\.learningRate must be a finite number > 0; got -1/,
      ],
      [
        (s) => ((s.recipe as Record<string, unknown>).clip = -5),
        /training\.recipe\.clip must be a finite number ≥ 0; got -5/,
      ],
      [(s) => (s.step = 31), /training\.optimizerSteps must be training\.step \(31\)/],
      [
        (s) => {
          s.step = 10;
          s.optimizerSteps = 10;
        },
        /training\.history\[0\]\.step must be at or after the record before \(0\) and at most training\.step \(10\); got 15/,
      ],
      [
        (s) => ((s.recipe as Record<string, unknown>).batchSize = 3),
        /tensor 'training\.h' has shape \[2, 4, 16\]; this network with batch size 3 needs \[2, 3, 16\]/,
      ],
      [
        (s) => (((s.recipe as Record<string, unknown>).optimizer as Record<string, unknown>).name = 'sgd'),
        /tensor 'training\.optimizer\.m' does not belong to a sgd checkpoint/,
      ],
      [(s) => (s.corpus = { characters: 0, hash: 'x' }), /training\.corpus\.hash must be 8 hex digits/],
      // a split that leaves no training text, once reported as "the training text has 0 characters"
      [
        (s) => ((s.recipe as Record<string, unknown>).validationFraction = 0.95),
        /training\.recipe is invalid: fit: validationFraction must be a number in \[0, 0\.9\], got 0\.95/,
      ],
    ];
    for (const bytes of [readV1('lm'), V2.lm])
      for (const [change, message] of cases)
        assertRefused(loadLm(withHeader(bytes, editEntry('training', change), true)), message);
  });

  it('a config claiming hiddenSize 8000 or numLayers 1e9 fails fast, allocating nothing big', () => {
    const files: Array<[string, () => unknown, RegExp]> = [
      [
        'language model, hiddenSize 8000',
        loadLm(
          withHeader(
            readV1('lm'),
            editEntry('config', (c) => (c.hiddenSize = 8000)),
          ),
        ),
        /tensor 'lstm\.weight_ih_l0' has shape \[64, 8\], the config needs \[32000, 8\]/,
      ],
      [
        'language model, numLayers 1e9',
        loadLm(
          withHeader(
            V2.lm,
            editEntry('config', (c) => (c.numLayers = 1e9)),
            true,
          ),
        ),
        /config\.numLayers must be a whole number in \[1, 64\]; got 1000000000/,
      ],
      [
        'classifier, hiddenSize 8000',
        () =>
          decodeClassifier(
            withHeader(
              readV1('classifier'),
              editEntry('config', (c) => (c.hiddenSize = 8000)),
            ),
            k,
          ),
        /the config needs \[32000, 4\]/,
      ],
      [
        'forecaster, numLayers 1e9',
        () =>
          decodeForecaster(
            withHeader(
              readV1('forecaster'),
              editEntry('config', (c) => (c.numLayers = 1e9)),
            ),
            k,
          ),
        /config\.numLayers must be a whole number in \[1, 64\]/,
      ],
      [
        'forecaster, hiddenSize 8000 and numLayers 64',
        () =>
          decodeForecaster(
            withHeader(
              readV1('forecaster'),
              editEntry('config', (c) => Object.assign(c, { hiddenSize: 8000, numLayers: 64 })),
            ),
            k,
          ),
        /the config needs \[32000, 1\]/,
      ],
    ];
    // a limit far above what these configs need, so it is the check against the file's tensors,
    // not the memory budget (test/nn/memory-budget.test.ts), that refuses them before allocating
    setMemoryLimit('1024G');
    try {
      refuseAll(files);
    } finally {
      setMemoryLimit(undefined);
    }
  });

  function refuseAll(files: Array<[string, () => unknown, RegExp]>): void {
    for (const [what, load, message] of files) {
      const before = process.memoryUsage().arrayBuffers;
      const started = performance.now();
      assertRefused(load, message);
      const ms = performance.now() - started;
      const grown = process.memoryUsage().arrayBuffers - before;
      assert.ok(ms < 1000, `${what}: refused after ${ms.toFixed(0)} ms`);
      assert.ok(grown < 16 * 1024 * 1024, `${what}: array buffers grew by ${grown} bytes`);
    }
  }

  it('a negated forecaster target scale is refused (and caught by the checksum of a version 2 file)', () => {
    const negate = editEntry('encoding', (e) => (e.targetScale = (e.targetScale as number[]).map((s) => -s)));
    assertRefused(
      () => decodeForecaster(withHeader(readV1('forecaster'), negate), k),
      /encoding\.targetScale\[0\] must be a finite number > 0; got -1\.72/,
    );
    assertRefused(() => decodeForecaster(withHeader(V2.forecaster, negate), k), /checksum/);
    assertRefused(
      () => decodeForecaster(withHeader(V2.forecaster, negate, true), k),
      /encoding\.targetScale\[0\] must be a finite number/,
    );
  });

  it('every byte of a header flipped, and 300 random bits of each file: a ModelFileError, or (version 1 only) a load', (t) => {
    const counts: Record<string, Record<string, number>> = {};
    const tally = (family: string, outcome: string): void => {
      const c = (counts[family] ??= {});
      c[outcome] = (c[outcome] ?? 0) + 1;
    };
    /** Load a damaged file: 'refused' (a ModelFileError), 'same' or 'different' outputs; anything else fails. */
    const attempt = (kind: Kind, bytes: Uint8Array, original: string): string => {
      try {
        return outputsOf(kind, bytes) === original ? 'same outputs' : 'different outputs';
      } catch (e) {
        if (e instanceof ModelFileError) return 'ModelFileError';
        throw new Error(`${kind}: a ${(e as Error).name} escaped: ${(e as Error).message}`);
      }
    };
    const rng = new Rng(17);
    for (const kind of KINDS) {
      const v1 = readV1(kind);
      const original = outputsOf(kind, v1);
      // version 1: every byte of the header region (length field and JSON) with all its bits flipped
      const headerEnd = 8 + headerOf(v1).length;
      for (let i = 0; i < headerEnd; i++) {
        const damaged = v1.slice();
        damaged[i] = (damaged[i] as number) ^ 0xff;
        const outcome = attempt(kind, damaged, original);
        assert.notEqual(outcome, 'different outputs', `${kind} v1: byte ${i} flipped loads with other outputs`);
        tally(`${kind} v1, header bytes flipped`, outcome);
      }
      // single bits anywhere: version 2 refuses every one; version 1 may load a changed header
      for (const [version, bytes] of [
        ['v1', v1],
        ['v2', V2[kind]],
      ] as const) {
        for (let n = 0; n < 300; n++) {
          const bit = rng.int(bytes.length * 8);
          const damaged = bytes.slice();
          damaged[bit >> 3] = (damaged[bit >> 3] as number) ^ (1 << (bit & 7));
          const outcome = attempt(kind, damaged, original);
          if (version === 'v2') assert.equal(outcome, 'ModelFileError', `${kind} v2: bit ${bit} flipped`);
          tally(`${kind} ${version}, random bits flipped`, outcome);
        }
      }
    }
    t.diagnostic(JSON.stringify(counts));
  });
});
