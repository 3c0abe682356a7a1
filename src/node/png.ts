/**
 * PNG encoding of RGBA pixels (Node only: deflate comes from node:zlib), and chart files.
 *
 * File: the 8-byte signature, then chunks of [length u32 BE][type, 4 ASCII][data][CRC-32 of type + data]:
 * IHDR (width, height, bit depth 8, colour type 6 = RGBA, no interlace), one IDAT (the zlib stream of
 * all rows, each prefixed by its filter byte), IEND. Each row gets the filter (None, Sub, Up, Average or
 * Paeth) whose output has the smallest sum of |signed bytes|, libpng's heuristic; flat chart
 * backgrounds become runs of zeros that deflate to almost nothing.
 */
import { deflateSync } from 'node:zlib';
import { ShapeError } from '../errors.js';
import {
  type AlignmentChart,
  type AttentionMap,
  attentionMapSvg,
  type LineChart,
  lineChartSvg,
  rasterizeAlignment,
  rasterizeAttentionMap,
  rasterizeLineChart,
} from '../plot/index.js';
import { writeFileAtomic } from './files.js';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** CRC-32 (IEEE, reflected polynomial 0xEDB88320) of every byte value, as PNG and zlib use it. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The Paeth predictor: whichever of left a, up b, up-left c is closest to a + b − c. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filter one row (stride bytes) into out[1..], out[0] = filter type; `prev` is the row above (zeros at the top). */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array, out: Uint8Array): number {
  out[0] = type;
  let cost = 0;
  for (let i = 0; i < row.length; i++) {
    const a = i >= 4 ? row[i - 4]! : 0; // the same channel one pixel left
    const b = prev[i]!;
    const c = i >= 4 ? prev[i - 4]! : 0;
    const predicted = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
    const v = (row[i]! - predicted) & 0xff;
    out[i + 1] = v;
    cost += v < 128 ? v : 256 - v;
  }
  return cost;
}

/**
 * PNG file bytes of an image: rgba is width·height·4 bytes, row-major, top row first, straight alpha.
 */
export function encodePng(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ShapeError('encodePng', `width and height must be positive integers, got ${width} × ${height}.`);
  }
  if (rgba.length !== width * height * 4) {
    throw new ShapeError(
      'encodePng',
      `rgba has ${rgba.length} bytes, but ${width} × ${height} pixels need ${width * height * 4}.`,
      'pass 4 bytes (r, g, b, a) per pixel.',
    );
  }
  const stride = width * 4;
  const pixels = new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
  const filtered = new Uint8Array(height * (stride + 1));
  const trial = new Uint8Array(stride + 1);
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const out = filtered.subarray(y * (stride + 1), (y + 1) * (stride + 1));
    let best = filterRow(0, row, prev, out);
    for (let type = 1; type <= 4 && best > 0; type++) {
      const cost = filterRow(type, row, prev, trial);
      if (cost < best) {
        best = cost;
        out.set(trial);
      }
    }
    prev = row;
  }

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, RGBA, deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filtered, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (png.set(p, offset), offset + p.length), 0);
  return png;
}

/** Draw a chart and write it as a PNG file, atomically (a temporary file renamed over the target). */
export function writeChartPng(path: string, chart: LineChart): void {
  const { width, height, rgba } = rasterizeLineChart(chart);
  writeFileAtomic(path, encodePng(width, height, rgba));
}

/** Write a chart as an SVG file, atomically. */
export function writeChartSvg(path: string, chart: LineChart): void {
  writeFileAtomic(path, new TextEncoder().encode(lineChartSvg(chart)));
}

/** Write an attention map as a PNG or an SVG file (by the path's extension), atomically. */
export function writeAttentionMap(path: string, map: AttentionMap): void {
  if (path.toLowerCase().endsWith('.png')) {
    const { width, height, rgba } = rasterizeAttentionMap(map);
    writeFileAtomic(path, encodePng(width, height, rgba));
  } else writeFileAtomic(path, new TextEncoder().encode(attentionMapSvg(map)));
}

/** A CTC alignment chart (src/plot/alignment-chart.ts) as a PNG file, written atomically. */
export function writeAlignmentChart(path: string, chart: AlignmentChart): void {
  const { width, height, rgba } = rasterizeAlignment(chart);
  writeFileAtomic(path, encodePng(width, height, rgba));
}
