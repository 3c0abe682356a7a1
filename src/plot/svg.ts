/**
 * A LineChart as a standalone SVG document: the layout of line-chart.ts written out as elements, in
 * drawing order (background, gridlines, bands, lines, axes and ticks, text, legend). Plain strings, so it
 * runs in a browser, a worker or Node alike.
 */
import { GLYPH_CAP_HEIGHT } from './bitmap-font.js';
import { CHART_STYLE, layoutLineChart, type LineChart, type Pixel } from './line-chart.js';

// Monospace advance is about 0.6 em = 11.4 px, within the 12 px per character the layout measured.
const FONT = 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="19"';

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/** A coordinate with at most two decimals. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** The centre of pixel column/row floor(v): a 1-px line there is crisp and covers the raster's pixels. */
function crisp(v: number): string {
  return num(Math.floor(v) + 0.5);
}

function pointList(run: readonly Pixel[]): string {
  return run.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
}

function stroke(color: string, dashed: boolean): string {
  const dash = dashed ? ` stroke-dasharray="${CHART_STYLE.dash.join(' ')}"` : '';
  return `fill="none" stroke="${color}" stroke-width="${CHART_STYLE.lineWidth}" stroke-linejoin="round" stroke-linecap="round"${dash}`;
}

/** The chart as an SVG document (UTF-8 text); throws ConfigError/ShapeError as layoutLineChart does. */
export function lineChartSvg(chart: LineChart): string {
  const L = layoutLineChart(chart);
  const { left, top, right, bottom } = L.box;
  const S = CHART_STYLE;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${L.width}" height="${L.height}" fill="${S.background}"/>`,
  ];

  const grid = [
    ...L.xTicks.map((t) => `M${crisp(t.pos)} ${num(top)}V${num(bottom)}`),
    ...L.yTicks.map((t) => `M${num(left)} ${crisp(t.pos)}H${num(right)}`),
  ];
  out.push(`<path d="${grid.join('')}" fill="none" stroke="${S.grid}" stroke-width="1"/>`);

  for (const band of L.bands) {
    for (const polygon of band.polygons) {
      out.push(`<polygon points="${pointList(polygon)}" fill="${band.color}" fill-opacity="${S.bandOpacity}"/>`);
    }
  }
  for (const line of L.lines) {
    for (const run of line.runs) {
      // A lone point between gaps has no segment to stroke: a dot as wide as the line shows it.
      if (run.length === 1) {
        const [x, y] = run[0]!;
        out.push(`<circle cx="${num(x)}" cy="${num(y)}" r="${S.lineWidth / 2}" fill="${line.color}"/>`);
      } else {
        out.push(`<polyline points="${pointList(run)}" ${stroke(line.color, line.dashed)}/>`);
      }
    }
  }

  const axes = [
    `M${crisp(left)} ${num(top)}V${crisp(bottom)}H${num(right)}`,
    ...L.xTicks.map((t) => `M${crisp(t.pos)} ${crisp(bottom)}v${S.tickLength}`),
    ...L.yTicks.map((t) => `M${crisp(left)} ${crisp(t.pos)}h${-S.tickLength}`),
  ];
  out.push(`<path d="${axes.join('')}" fill="none" stroke="${S.axis}" stroke-width="1"/>`);

  out.push(`<g ${FONT} fill="${S.text}">`);
  for (const t of L.texts) {
    const anchor = t.anchor === 'start' ? '' : ` text-anchor="${t.anchor}"`;
    const weight = t.bold ? ' font-weight="bold"' : '';
    const baseline = t.top + GLYPH_CAP_HEIGHT * S.textScale;
    out.push(`<text x="${num(t.x)}" y="${num(baseline)}"${anchor}${weight}>${escapeXml(t.text)}</text>`);
  }
  out.push('</g>');

  for (const key of L.legend) {
    if (key.style === 'band') {
      const box = `x="${num(key.x)}" y="${num(key.y - 6)}" width="${key.width}" height="12"`;
      out.push(`<rect ${box} fill="${key.color}" fill-opacity="${S.bandOpacity}"/>`);
    } else {
      const ends = `x1="${num(key.x)}" y1="${num(key.y)}" x2="${num(key.x + key.width)}" y2="${num(key.y)}"`;
      out.push(`<line ${ends} ${stroke(key.color, key.style === 'dashed')}/>`);
    }
  }
  out.push('</svg>', '');
  return out.join('\n');
}
