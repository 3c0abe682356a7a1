/**
 * A CTC alignment drawn as pixels, time running left to right on one axis for all three panels:
 *   top     the written characters, each a tick at its start and a bar to its end
 *   middle  the log-mel spectrogram (frames × mel bands, low bands at the bottom; dark = loud)
 *   bottom  the posteriors: one row per class (blank first), darkness p(class | step)
 * A time axis with a tick every 0.1 s closes it. Nothing here needs a DOM or Node.
 */
import { drawText, GLYPH_CELL_HEIGHT, textWidth } from './bitmap-font.js';
import type { RgbaImage } from './raster.js';

export interface AlignmentChart {
  /** Log-mel spectrogram, (frames, bands) row-major, any scale (drawn min to max). */
  spectrogram: Float64Array;
  frames: number;
  bands: number;
  /** Seconds from one spectrogram frame to the next. */
  secondsPerFrame: number;
  /** (steps, classes) log-probabilities. */
  logProbs: Float64Array;
  steps: number;
  secondsPerStep: number;
  /** Row labels of the posteriors: classes[0] is the blank. */
  classes: readonly string[];
  characters: readonly { char: string; start: number; end: number }[];
}

const PX_PER_SECOND = 240;
const BAND_HEIGHT = 3;
const ROW_HEIGHT = 20;
const MARGIN = 8;
const SCALE = 2;

export function rasterizeAlignment(chart: AlignmentChart): RgbaImage {
  const seconds = Math.max(chart.frames * chart.secondsPerFrame, chart.steps * chart.secondsPerStep);
  const labelWidth = Math.max(...chart.classes.map((c) => textWidth(c, SCALE)), textWidth('blank', SCALE));
  const left = MARGIN + labelWidth + MARGIN;
  const glyph = GLYPH_CELL_HEIGHT * SCALE;
  const charsTop = MARGIN;
  const specTop = charsTop + glyph + 10;
  const specHeight = chart.bands * BAND_HEIGHT;
  const postTop = specTop + specHeight + 6;
  const axisTop = postTop + chart.classes.length * ROW_HEIGHT + 2;
  const width = left + Math.ceil(seconds * PX_PER_SECOND) + MARGIN;
  const height = axisTop + 6 + glyph + MARGIN;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  const fill = (x: number, y: number, w: number, h: number, [r, g, b]: readonly number[]): void => {
    for (let yy = Math.max(0, Math.round(y)); yy < Math.min(height, Math.round(y + h)); yy++)
      for (let xx = Math.max(0, Math.round(x)); xx < Math.min(width, Math.round(x + w)); xx++) {
        const at = (yy * width + xx) * 4;
        [rgba[at], rgba[at + 1], rgba[at + 2]] = [r as number, g as number, b as number];
      }
  };
  const gray = (v: number): number[] => {
    const s = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
    return [s, s, s];
  };
  const ink = (x: number, y: number, w: number, h: number): void => fill(x, y, w, h, [0, 0, 0]);
  const xOf = (t: number): number => left + t * PX_PER_SECOND;

  let [lo, hi] = [Infinity, -Infinity];
  for (const v of chart.spectrogram) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const span = hi > lo ? hi - lo : 1;
  const frameWidth = chart.secondsPerFrame * PX_PER_SECOND;
  for (let f = 0; f < chart.frames; f++)
    for (let m = 0; m < chart.bands; m++) {
      const v = ((chart.spectrogram[f * chart.bands + m] as number) - lo) / span;
      fill(
        xOf(f * chart.secondsPerFrame),
        specTop + (chart.bands - 1 - m) * BAND_HEIGHT,
        frameWidth + 1,
        BAND_HEIGHT,
        gray(v),
      );
    }
  const stepWidth = chart.secondsPerStep * PX_PER_SECOND;
  const C = chart.classes.length;
  chart.classes.forEach((label, c) => {
    const y = postTop + c * ROW_HEIGHT;
    const name = c === 0 ? 'blank' : label;
    drawText(name, left - MARGIN - textWidth(name, SCALE), y + 1, SCALE, ink);
    for (let t = 0; t < chart.steps; t++)
      fill(
        xOf(t * chart.secondsPerStep),
        y,
        stepWidth + 1,
        ROW_HEIGHT - 1,
        gray(Math.exp(chart.logProbs[t * C + c] as number)),
      );
  });
  for (const ch of chart.characters) {
    const [x0, x1] = [xOf(ch.start), xOf(ch.end)];
    fill(x0, charsTop + glyph + 2, Math.max(1, x1 - x0), 3, [200, 30, 30]);
    fill(x0, specTop, 1, specHeight, [200, 30, 30]);
    drawText(ch.char, x0, charsTop, SCALE, (x, y, w, h) => fill(x, y, w, h, [200, 30, 30]));
  }
  for (let k = 0; k * 0.1 <= seconds + 1e-9; k++) {
    const x = xOf(k * 0.1);
    ink(x, axisTop, 1, 4);
    if (k % 5 === 0) drawText(`${(k / 10).toFixed(1)} s`, x, axisTop + 6, SCALE, ink);
  }
  return { width, height, rgba };
}
