/**
 * An attention matrix drawn three ways, one row per target token (y), one column per source token
 * (x), a cell's darkness its weight in [0, 1] (white 0, black 1):
 *   text  one character per cell, ' ' · ░ ▒ ▓ █ for the weight's fifth, under a header of the
 *         source tokens (a token wider than one cell is shown by its first character)
 *   SVG   square cells with the tokens as labels
 *   RGBA  the same layout as the SVG in a pixel buffer (src/node/png.ts writes it as PNG), the
 *         labels in the bitmap font
 * Nothing here needs a DOM or Node: it runs in a browser.
 */
import { drawText, GLYPH_CELL_HEIGHT, textWidth } from './bitmap-font.js';
import type { RgbaImage } from './raster.js';
import { escapeXml } from './svg.js';

export interface AttentionMap {
  /** Column labels: the source tokens. */
  source: readonly string[];
  /** Row labels: the target tokens (the last is usually </s>). */
  target: readonly string[];
  /** weights[row][column], each in [0, 1]. */
  weights: readonly (readonly number[])[];
}

const SHADES = [' ', '·', '░', '▒', '▓', '█'];
const CELL = 24;
const MARGIN = 8;
const LABEL_SCALE = 2;

const shade = (w: number): number => Math.round(255 * (1 - Math.min(1, Math.max(0, w))));

/** The map as lines of text. */
export function attentionMapText(map: AttentionMap): string {
  const width = Math.max(...map.target.map((t) => [...t].length), 1);
  const header = `${' '.repeat(width)} ${map.source.map((s) => [...s][0] ?? ' ').join('')}`;
  const rows = map.target.map((t, r) => {
    const cells = (map.weights[r] ?? []).map((w) => SHADES[Math.min(5, Math.floor(Math.max(0, w) * 5 + 0.5))] ?? ' ');
    return `${t.padStart(width)} ${cells.join('')}`;
  });
  return [header, ...rows].join('\n');
}

interface Layout {
  left: number;
  top: number;
  width: number;
  height: number;
}

function layout(map: AttentionMap): Layout {
  const labelWidth = Math.max(...map.target.map((t) => textWidth(t, LABEL_SCALE)), 0);
  const labelHeight = Math.max(...map.source.map((s) => textWidth(s, LABEL_SCALE)), 0);
  const left = MARGIN + labelWidth + MARGIN;
  const top = MARGIN + labelHeight + MARGIN;
  return {
    left,
    top,
    width: left + map.source.length * CELL + MARGIN,
    height: top + map.target.length * CELL + MARGIN,
  };
}

/** The map as an SVG document (source labels above the columns, rotated; target labels left). */
export function attentionMapSvg(map: AttentionMap): string {
  const { left, top, width, height } = layout(map);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="14">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  map.weights.forEach((row, r) =>
    row.forEach((w, c) => {
      const v = shade(w);
      parts.push(
        `<rect x="${left + c * CELL}" y="${top + r * CELL}" width="${CELL}" height="${CELL}" fill="rgb(${v},${v},${v})"><title>${escapeXml(`${map.target[r] ?? ''} ← ${map.source[c] ?? ''}: ${w.toFixed(3)}`)}</title></rect>`,
      );
    }),
  );
  map.target.forEach((t, r) =>
    parts.push(
      `<text x="${left - MARGIN}" y="${top + r * CELL + CELL / 2 + 5}" text-anchor="end">${escapeXml(t)}</text>`,
    ),
  );
  map.source.forEach((s, c) => {
    const x = left + c * CELL + CELL / 2 + 5;
    parts.push(`<text transform="translate(${x},${top - MARGIN}) rotate(-90)">${escapeXml(s)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The map in a pixel buffer, laid out as the SVG (source labels written upwards). */
export function rasterizeAttentionMap(map: AttentionMap): RgbaImage {
  const { left, top, width, height } = layout(map);
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  const fill = (x: number, y: number, w: number, h: number, v: number): void => {
    for (let yy = Math.max(0, y); yy < Math.min(height, y + h); yy++)
      for (let xx = Math.max(0, x); xx < Math.min(width, x + w); xx++) {
        const at = (yy * width + xx) * 4;
        rgba[at] = rgba[at + 1] = rgba[at + 2] = v;
      }
  };
  map.weights.forEach((row, r) => row.forEach((w, c) => fill(left + c * CELL, top + r * CELL, CELL, CELL, shade(w))));
  const ink = (x: number, y: number, w: number, h: number): void => fill(x, y, w, h, 0);
  const glyph = GLYPH_CELL_HEIGHT * LABEL_SCALE;
  map.target.forEach((t, r) =>
    drawText(
      t,
      left - MARGIN - textWidth(t, LABEL_SCALE),
      Math.round(top + r * CELL + (CELL - glyph) / 2),
      LABEL_SCALE,
      ink,
    ),
  );
  map.source.forEach((s, c) => {
    // rotated a quarter turn: text drawn along y, upwards from the column's top
    const x0 = Math.round(left + c * CELL + (CELL - glyph) / 2);
    drawText(s, 0, 0, LABEL_SCALE, (x, y, w, h) => {
      for (let i = 0; i < w; i++) fill(x0 + y, top - MARGIN - (x + i) - 1, h, 1, 0);
    });
  });
  return { width, height, rgba };
}
