/**
 * A LineChart drawn into an RGBA pixel buffer with the same layout as the SVG: no canvas, no DOM, no
 * Node, so it runs in a browser or a worker; src/node/png.ts turns the buffer into a PNG file.
 *
 * Buffer: row-major, top row first, 4 bytes (r, g, b, a) per pixel, opaque. Pixel (x, y) covers the
 * square [x, x+1) × [y, y+1); its centre is (x + ½, y + ½).
 * Lines: each pixel's coverage is min(1, w/2 + ½ − d), d the distance from its centre to the nearest
 * segment of the run: anti-aliased, with round joins and caps; the coverage of a whole line is
 * collected first (the maximum over its segments) and blended once, so joints do not darken.
 * Bands: even-odd scanline fill of the pixel centres, blended at CHART_STYLE.bandOpacity.
 */
import { drawText, textWidth } from './bitmap-font.js';
import { CHART_STYLE, layoutLineChart, type LineChart, type Pixel } from './line-chart.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** width · height · 4 bytes. */
  rgba: Uint8ClampedArray;
}

type Rgb = readonly [number, number, number];
/** A straight piece of line from (x0, y0) to (x1, y1); both ends equal draws a dot. */
type Segment = readonly [number, number, number, number];

function rgb(hex: string): Rgb {
  const n = parseInt(hex.slice(1), 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}

/** out = a·colour + (1 − a)·out on pixel (x, y); pixels off the page are ignored. */
function blend(img: RgbaImage, x: number, y: number, [r, g, b]: Rgb, a: number): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height || a <= 0) return;
  const p = img.rgba;
  const i = (y * img.width + x) * 4;
  p[i] = p[i]! + (r - p[i]!) * a;
  p[i + 1] = p[i + 1]! + (g - p[i + 1]!) * a;
  p[i + 2] = p[i + 2]! + (b - p[i + 2]!) * a;
}

function fillRect(img: RgbaImage, x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
  const [x0, y0] = [Math.round(x), Math.round(y)];
  for (let py = y0; py < y0 + Math.round(h); py++) {
    for (let px = x0; px < x0 + Math.round(w); px++) blend(img, px, py, color, alpha);
  }
}

/** Segments of a polyline, solid or cut by the dash pattern [on, off] (its phase carried across vertices). */
function segmentsOf(run: readonly Pixel[], dashed: boolean): Segment[] {
  if (run.length === 1) return [[run[0]![0], run[0]![1], run[0]![0], run[0]![1]]];
  const out: Segment[] = [];
  const [on, off] = CHART_STYLE.dash;
  let drawing = true;
  let left = on; // length left in the current dash or gap
  for (let i = 1; i < run.length; i++) {
    const [ax, ay] = run[i - 1]!;
    const [bx, by] = run[i]!;
    if (!dashed) {
      out.push([ax, ay, bx, by]);
      continue;
    }
    const len = Math.hypot(bx - ax, by - ay);
    const at = (t: number): [number, number] => [ax + ((bx - ax) * t) / len, ay + ((by - ay) * t) / len];
    for (let t = 0; t < len;) {
      const step = Math.min(left, len - t);
      if (drawing) out.push([...at(t), ...at(t + step)]);
      t += step;
      left -= step;
      if (left <= 1e-9) {
        drawing = !drawing;
        left = drawing ? on : off;
      }
    }
  }
  return out;
}

/** Stroke segments as one anti-aliased line; `cover` is a zeroed width·height scratch, left zeroed. */
function strokeSegments(img: RgbaImage, cover: Float32Array, segments: Segment[], color: Rgb): void {
  const half = CHART_STYLE.lineWidth / 2;
  const W = img.width;
  let [minX, minY, maxX, maxY] = [W, img.height, -1, -1];
  for (const [ax, ay, bx, by] of segments) {
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - half - 1));
    const x1 = Math.min(W - 1, Math.ceil(Math.max(ax, bx) + half + 1));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - half - 1));
    const y1 = Math.min(img.height - 1, Math.ceil(Math.max(ay, by) + half + 1));
    [minX, minY, maxX, maxY] = [Math.min(minX, x0), Math.min(minY, y0), Math.max(maxX, x1), Math.max(maxY, y1)];
    const [dx, dy] = [bx - ax, by - ay];
    const len2 = dx * dx + dy * dy;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const [px, py] = [x + 0.5 - ax, y + 0.5 - ay];
        const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
        const c = Math.min(1, half + 0.5 - Math.hypot(px - t * dx, py - t * dy));
        if (c > cover[y * W + x]!) cover[y * W + x] = c;
      }
    }
  }
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      blend(img, x, y, color, cover[y * W + x]!);
      cover[y * W + x] = 0;
    }
  }
}

/** Fill a closed polygon (even-odd rule, pixel centres inside) with colour at opacity alpha. */
function fillPolygon(img: RgbaImage, polygon: readonly Pixel[], color: Rgb, alpha: number): void {
  const ys = polygon.map((p) => p[1]);
  const yFirst = Math.max(0, Math.floor(ys.reduce((a, b) => Math.min(a, b))));
  const yLast = Math.min(img.height - 1, Math.ceil(ys.reduce((a, b) => Math.max(a, b))));
  for (let y = yFirst; y <= yLast; y++) {
    const yc = y + 0.5;
    const xs: number[] = [];
    polygon.forEach(([ax, ay], i) => {
      const [bx, by] = polygon[(i + 1) % polygon.length]!;
      if (ay <= yc !== by <= yc) xs.push(ax + ((yc - ay) / (by - ay)) * (bx - ax));
    });
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const to = Math.min(img.width - 1, Math.ceil(xs[k + 1]! - 0.5) - 1);
      for (let x = from; x <= to; x++) blend(img, x, y, color, alpha);
    }
  }
}

/** The chart as RGBA pixels (layout, colours and sizes as lineChartSvg); throws as layoutLineChart does. */
export function rasterizeLineChart(chart: LineChart): RgbaImage {
  const L = layoutLineChart(chart);
  const S = CHART_STYLE;
  const { left, top, right, bottom } = L.box;
  const img: RgbaImage = { width: L.width, height: L.height, rgba: new Uint8ClampedArray(L.width * L.height * 4) };
  img.rgba.fill(255);
  fillRect(img, 0, 0, L.width, L.height, rgb(S.background));
  const cover = new Float32Array(L.width * L.height);

  const grid = rgb(S.grid);
  for (const t of L.xTicks) fillRect(img, Math.floor(t.pos), top, 1, bottom - top, grid);
  for (const t of L.yTicks) fillRect(img, left, Math.floor(t.pos), right - left, 1, grid);
  for (const band of L.bands) {
    for (const polygon of band.polygons) fillPolygon(img, polygon, rgb(band.color), S.bandOpacity);
  }
  for (const line of L.lines) {
    strokeSegments(
      img,
      cover,
      line.runs.flatMap((run) => segmentsOf(run, line.dashed)),
      rgb(line.color),
    );
  }

  const axis = rgb(S.axis);
  fillRect(img, Math.floor(left), top, 1, Math.floor(bottom) - top + 1, axis);
  fillRect(img, Math.floor(left), Math.floor(bottom), right - Math.floor(left), 1, axis);
  for (const t of L.xTicks) fillRect(img, Math.floor(t.pos), Math.floor(bottom), 1, S.tickLength + 1, axis);
  for (const t of L.yTicks) fillRect(img, Math.floor(left) - S.tickLength, Math.floor(t.pos), S.tickLength, 1, axis);

  const ink = rgb(S.text);
  const fill = (x: number, y: number, w: number, h: number): void => fillRect(img, x, y, w, h, ink);
  for (const t of L.texts) {
    const w = textWidth(t.text, S.textScale);
    const x = Math.round(t.anchor === 'start' ? t.x : t.anchor === 'middle' ? t.x - w / 2 : t.x - w);
    drawText(t.text, x, Math.round(t.top), S.textScale, fill);
    if (t.bold) drawText(t.text, x + 1, Math.round(t.top), S.textScale, fill);
  }

  for (const key of L.legend) {
    const color = rgb(key.color);
    if (key.style === 'band') fillRect(img, key.x, key.y - 6, key.width, 12, color, S.bandOpacity);
    else
      strokeSegments(
        img,
        cover,
        segmentsOf(
          [
            [key.x, key.y],
            [key.x + key.width, key.y],
          ],
          key.style === 'dashed',
        ),
        color,
      );
  }
  return img;
}
