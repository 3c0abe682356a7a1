/**
 * PNG encoding, read back by a small independent decoder: the signature, every chunk's CRC (computed
 * bit by bit, not with the encoder's table), the header, and the inflated, un-filtered pixels.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { ShapeError } from '../../src/errors.js';
import { encodePng, writeChartPng } from '../../src/node/png.js';
import { type LineChart, rasterizeLineChart } from '../../src/plot/index.js';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

function bitwiseCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Uint8Array;
}

function readChunks(png: Uint8Array): Chunk[] {
  assert.deepEqual([...png.subarray(0, 8)], SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    assert.equal(view.getUint32(at + 8 + length), bitwiseCrc32(typeAndData), `CRC of ${type}`);
    chunks.push({ type, data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  return chunks;
}

/** Inflate the IDAT data and undo each row's filter (PNG spec, section 9); RGBA 8-bit only. */
function decodePixels(png: Uint8Array): { width: number; height: number; rgba: Uint8Array; filters: Set<number> } {
  const chunks = readChunks(png);
  assert.deepEqual(
    chunks.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  const header = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
  const [width, height] = [header.getUint32(0), header.getUint32(4)];
  assert.deepEqual([...chunks[0]!.data.subarray(8)], [8, 6, 0, 0, 0]);
  const raw = inflateSync(chunks[1]!.data);
  const stride = width * 4;
  assert.equal(raw.length, height * (stride + 1));
  const rgba = new Uint8Array(width * height * 4);
  const filters = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    filters.add(filter);
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? rgba[y * stride + i - 4]! : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + i]! : 0;
      const c = i >= 4 && y > 0 ? rgba[(y - 1) * stride + i - 4]! : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      assert.ok(predictor !== undefined, `row ${y} has filter type ${filter}`);
      rgba[y * stride + i] = (raw[y * (stride + 1) + 1 + i]! + predictor) & 0xff;
    }
  }
  return { width, height, rgba, filters };
}

const chart: LineChart = {
  title: 'Forecast',
  xLabel: 'hour',
  yLabel: 'load (MW)',
  series: [
    { label: 'forecast', points: Array.from({ length: 48 }, (_, t) => [t, 100 + 20 * Math.sin(t / 4)] as const) },
  ],
  bands: [
    {
      label: '90% interval',
      lower: Array.from({ length: 48 }, (_, t) => [t, 90 + 20 * Math.sin(t / 4) - t / 4] as const),
      upper: Array.from({ length: 48 }, (_, t) => [t, 110 + 20 * Math.sin(t / 4) + t / 4] as const),
    },
  ],
};

describe('PNG', () => {
  it('a rasterized chart round-trips: signature, CRCs, header, pixels', () => {
    const image = rasterizeLineChart(chart);
    const png = encodePng(image.width, image.height, image.rgba);
    const decoded = decodePixels(png);
    assert.equal(decoded.width, 720);
    assert.equal(decoded.height, 420);
    assert.equal(decoded.rgba.length, 720 * 420 * 4);
    assert.ok(Buffer.from(decoded.rgba).equals(Buffer.from(image.rgba)), 'decoded pixels differ from the raster');
    assert.ok(png.length < 60_000, `${png.length} bytes: filtering or compression is not working`);
  });

  it('rows that suit each filter type (None, Sub, Up, Average, Paeth) round-trip exactly', () => {
    const [width, height] = [37, 25];
    const stride = width * 4;
    const rgba = new Uint8Array(width * height * 4);
    let seed = 12345;
    const noise = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < rgba.length; i++) {
      const [x, y] = [(i >> 2) % width, Math.floor(i / stride)];
      const left = x > 0 ? rgba[i - 4]! : 0;
      const up = y > 0 ? rgba[i - stride]! : 0;
      const rows = [
        noise(), // None
        (i & 3) * 60 + 9, // Sub: each pixel repeats the one on its left
        up, // Up
        (left + up) >> 1, // Average
        (x * 7 + y * 11 + (i & 3) * 50) & 0xff, // Paeth: a plane, left + up − up-left
      ];
      rgba[i] = rows[y % 5]!;
    }
    const decoded = decodePixels(encodePng(width, height, rgba));
    assert.deepEqual([...decoded.rgba], [...rgba]);
    assert.deepEqual([...decoded.filters].sort(), [0, 1, 2, 3, 4]);
  });

  it('refuses a buffer of the wrong size', () => {
    assert.throws(
      () => encodePng(4, 4, new Uint8Array(60)),
      (e: Error) => e instanceof ShapeError && /64/.test(e.message),
    );
    assert.throws(() => encodePng(0, 4, new Uint8Array(0)), ShapeError);
  });

  it('writeChartPng writes the file whole, leaving no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'png-test-'));
    try {
      const path = join(dir, 'chart.png');
      writeChartPng(path, chart);
      assert.ok(existsSync(path));
      assert.deepEqual(readdirSync(dir), ['chart.png']);
      assert.equal(decodePixels(new Uint8Array(readFileSync(path))).width, 720);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
