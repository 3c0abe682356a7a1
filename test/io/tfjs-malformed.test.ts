/**
 * Malformed TensorFlow.js models (issue 17): a small LSTM + Dense model.json, written here by
 * hand in the form tf.LayersModel.save writes (two weight groups, one shard each), then damaged:
 * each damage ends in a ModelFileError that says what is wrong, never a TypeError, and shards
 * whose byte counts disagree with the manifest (wrong order, extra or missing bytes) are refused
 * rather than read as wrong weights. A seeded loop then damages the JSON (text and fields) and
 * the shards a few hundred times.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LstmError, ModelFileError } from '../../src/errors.js';
import { RefKernels } from '../../src/kernels/index.js';
import { joinTfjsShards, readTfjsManifest } from '../../src/io/tfjs-manifest.js';
import { loadTfjsLayersModelFile } from '../../src/node/files.js';
import { Rng } from '../../src/rng.js';
import { mutateBytes } from './interchange-mutations.js';
import { smallTfjsModel } from './tfjs-small-model.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-tfjs-malformed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;

let written = 0;
/** Write model.json (text as given, or the object as JSON) and the shards to a fresh folder; the model.json path. */
function writeModel(json: unknown, shards: Record<string, Uint8Array>, text?: Uint8Array | string): string {
  const folder = join(dir, `m${written++}`);
  mkdirSync(folder);
  const at = join(folder, 'model.json');
  writeFileSync(at, text ?? JSON.stringify(json));
  for (const [name, bytes] of Object.entries(shards)) writeFileSync(join(folder, name), bytes);
  return at;
}

function load(path: string): ReturnType<typeof loadTfjsLayersModelFile> {
  return loadTfjsLayersModelFile(path, new RefKernels('float32'));
}

/** Loading refuses with a ModelFileError whose message matches. */
function assertRefused(path: string, pattern: RegExp): void {
  assert.throws(
    () => load(path),
    (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(e.message, pattern);
      return true;
    },
  );
}

function edit(change: (json: Json) => void): Json {
  const { json } = smallTfjsModel();
  change(json);
  return json;
}

const topologyConfig = (json: Json): Json => (json['modelTopology'] as Json)['config'] as Json;
const group = (json: Json, g: number): Json => (json['weightsManifest'] as Json[])[g] as Json;

describe('TensorFlow.js reader: malformed models (issue 17)', () => {
  const { json, shards } = smallTfjsModel();

  it('the hand-written model loads and predicts', () => {
    const out = load(writeModel(json, shards)).predict(new Array<number>(2 * 4 * 3).fill(0.25), 2, 4);
    assert.equal(out.length, 2);
    assert.ok(out.every(Number.isFinite));
  });

  it('model.json holding null, or not JSON', () => {
    assertRefused(writeModel(null, shards, 'null\n'), /model\.json holds null; expected an object/);
    assertRefused(writeModel(null, shards, '[1, 2]'), /model\.json holds an array of 2/);
    assertRefused(writeModel(null, shards, '{"weightsManifest": '), /is not JSON/);
  });

  it('a missing weightsManifest, paths, config or layers', () => {
    assertRefused(
      writeModel(
        edit((j) => delete j['weightsManifest']),
        shards,
      ),
      /weightsManifest should be a list/,
    );
    assertRefused(
      writeModel(
        edit((j) => delete group(j, 0)['paths']),
        shards,
      ),
      /weight group 0 needs 'paths'/,
    );
    assertRefused(
      writeModel(
        edit((j) => delete group(j, 1)['weights']),
        shards,
      ),
      /weight group 1 needs 'weights'/,
    );
    assertRefused(
      writeModel(
        edit((j) => delete (j['modelTopology'] as Json)['config']),
        shards,
      ),
      /config should be an object; it is nothing/,
    );
    assertRefused(
      writeModel(
        edit((j) => delete topologyConfig(j)['layers']),
        shards,
      ),
      /config\.layers should be a list/,
    );
    assertRefused(
      writeModel(
        edit((j) => (topologyConfig(j)['layers'] = [null])),
        shards,
      ),
      /layer 0 should be an object/,
    );
  });

  it('fields of the wrong type, and names that are object-prototype keys', () => {
    const layer0 = (j: Json): Json => (topologyConfig(j)['layers'] as Json[])[0] as Json;
    const config0 = (j: Json): Json => layer0(j)['config'] as Json;
    assertRefused(
      writeModel(
        edit((j) => (config0(j)['units'] = '2')),
        shards,
      ),
      /needs a positive integer 'units'; got "2"/,
    );
    assertRefused(
      writeModel(
        edit((j) => (config0(j)['batch_input_shape'] = 'abc')),
        shards,
      ),
      /declares the input shape "abc"/,
    );
    assertRefused(
      writeModel(
        edit((j) => (layer0(j)['class_name'] = 'constructor')),
        shards,
      ),
      /is a constructor; supported/,
    );
    assertRefused(
      writeModel(
        edit((j) => (config0(j)['activation'] = 'constructor')),
        shards,
      ),
      /uses the activation "constructor"/,
    );
    assertRefused(
      writeModel(
        edit((j) => ((group(j, 0)['weights'] as Json[])[0] = { name: 'lstm1/kernel', shape: [3, -8] })),
        shards,
      ),
      /needs a 'shape' of non-negative integers/,
    );
  });

  it('shards listed in the wrong order are refused', () => {
    // the two groups' files swapped: 12 bytes where 192 are needed
    const swapped = edit((j) => {
      group(j, 0)['paths'] = ['group2-shard1of1.bin'];
      group(j, 1)['paths'] = ['group1-shard1of1.bin'];
    });
    assertRefused(
      writeModel(swapped, shards),
      /weight shard 'group1-shard1of1\.bin' holds 192 bytes, more than its whole group's weights need \(12\)/,
    );
    // one group cut into pieces of 128 bytes, listed last piece first
    const whole = shards['group1-shard1of1.bin'] as Uint8Array;
    const pieces = { 'a.bin': whole.slice(0, 128), 'b.bin': whole.slice(128), ...shards };
    const inOrder = edit((j) => (group(j, 0)['paths'] = ['a.bin', 'b.bin']));
    assert.equal(load(writeModel(inOrder, pieces)).plan.layers.length, 2);
    const reversed = edit((j) => (group(j, 0)['paths'] = ['b.bin', 'a.bin']));
    assertRefused(
      writeModel(reversed, pieces),
      /shard 'a\.bin' holds 128 bytes, but every shard before the last holds as many as the first \(64\).*wrong order/,
    );
  });

  it('extra or missing bytes at the end of a shard are refused', () => {
    const extra = {
      ...shards,
      'group2-shard1of1.bin': Uint8Array.from([...(shards['group2-shard1of1.bin'] ?? []), 0, 0, 0, 0]),
    };
    assertRefused(
      writeModel(json, extra),
      /weight shard 'group2-shard1of1\.bin' holds 16 bytes, more than its whole group's weights need \(12\).*extra bytes/,
    );
    const short = { ...shards, 'group1-shard1of1.bin': (shards['group1-shard1of1.bin'] as Uint8Array).slice(0, 190) };
    assertRefused(writeModel(json, short), /holds 190 bytes; .* need 192.*truncated or missing/);
  });

  it('in memory, joinTfjsShards checks the same byte counts', () => {
    const groups = readTfjsManifest(json);
    const [first, second] = [shards['group1-shard1of1.bin'], shards['group2-shard1of1.bin']] as [
      Uint8Array,
      Uint8Array,
    ];
    assert.equal(joinTfjsShards(groups, [[first], [second]]).length, 204);
    assert.throws(
      () => joinTfjsShards(groups, [[second], [first]]),
      /weight group 0 .* holds 12 bytes; its 3 float32 weights need 192/,
    );
    const extra = Uint8Array.from([...second, 0, 0, 0, 0]);
    assert.throws(
      () => joinTfjsShards(groups, [[first], [extra]]),
      /weight group 1 .* holds 16 bytes; .* need 12.*extra bytes/,
    );
  });

  it('a shard that is a device, not a file, is refused before it is read', () => {
    const device = edit((j) => (group(j, 1)['paths'] = ['../'.repeat(12) + 'dev/zero']));
    assertRefused(writeModel(device, shards), /weight shard '.*dev\/zero' is not a regular file/);
  });

  it('an all-NaN weight is refused', () => {
    const nan = { ...shards, 'group2-shard1of1.bin': new Uint8Array(new Float32Array(3).fill(NaN).buffer) };
    assertRefused(
      writeModel(json, nan),
      /weight 'dense1\/kernel' holds NaN at index 0; a model's weights must be finite/,
    );
  });
});

/** A random JSON value that a damaged or hostile model.json might hold. */
function oddValue(rng: Rng): unknown {
  const values: unknown[] = [
    null,
    0,
    -1,
    1e9,
    2.5,
    '',
    'x',
    'constructor',
    '__proto__',
    [],
    {},
    true,
    [null],
    { a: 1 },
  ];
  return values[rng.int(values.length)];
}

/** Replace (or delete) one value somewhere in the JSON tree. */
function mutateJson(json: unknown, rng: Rng): unknown {
  if (typeof json !== 'object' || json === null || rng.int(4) === 0) return oddValue(rng);
  const keys = Object.keys(json);
  if (keys.length === 0) return oddValue(rng);
  const key = keys[rng.int(keys.length)] as string;
  const copy = (Array.isArray(json) ? [...json] : { ...json }) as Record<string, unknown>;
  if (!Array.isArray(json) && rng.int(5) === 0) delete copy[key];
  else copy[key] = mutateJson(copy[key], rng);
  return copy;
}

/** Load and predict: 'ok', or 'refused' for a project error; anything else throws. */
function tryLoad(path: string): 'ok' | 'refused' {
  try {
    const model = load(path);
    const features = model.plan.inputFeatures;
    if (features * 2 * 3 <= 1e5) model.predict(new Array<number>(2 * 3 * features).fill(0), 2, 3);
    return 'ok';
  } catch (e) {
    if (e instanceof LstmError) return 'refused';
    throw e;
  }
}

describe('TensorFlow.js reader: seeded damage (issue 17)', () => {
  it('300 damaged models (JSON text, JSON fields, shards): each loads and predicts, or is refused', (t) => {
    const { json, shards } = smallTfjsModel();
    const text = new TextEncoder().encode(JSON.stringify(json));
    const rng = new Rng(19);
    const counts = { ok: 0, refused: 0 };
    const byKind = { text: 0, fields: 0, shards: 0 };
    for (let i = 0; i < 300; i++) {
      const kind = (['text', 'fields', 'shards'] as const)[i % 3] as 'text' | 'fields' | 'shards';
      byKind[kind]++;
      let path: string;
      if (kind === 'text') path = writeModel(null, shards, mutateBytes(text, rng).bytes);
      else if (kind === 'fields') {
        let damaged: unknown = json;
        for (let m = 1 + rng.int(2); m > 0; m--) damaged = mutateJson(damaged, rng);
        path = writeModel(damaged, shards);
      } else {
        const name = Object.keys(shards)[rng.int(2)] as string;
        path = writeModel(json, { ...shards, [name]: mutateBytes(shards[name] as Uint8Array, rng).bytes });
      }
      counts[tryLoad(path)]++;
    }
    t.diagnostic(
      `${byKind.text} text, ${byKind.fields} field and ${byKind.shards} shard mutations: ${counts.ok} loaded and predicted, ${counts.refused} refused with a project error`,
    );
    assert.equal(counts.ok + counts.refused, 300);
  });
});
