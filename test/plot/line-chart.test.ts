/**
 * Line charts: tick values and labels, input checks, the SVG document, and the raster image read back
 * pixel by pixel at places the layout says a line, a band, a gap or nothing must be.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { GLYPH_ADVANCE, glyphRows, drawText, textWidth } from '../../src/plot/bitmap-font.js';
import {
  layoutLineChart,
  lineChartSvg,
  rasterizeLineChart,
  type LineChart,
  type RgbaImage,
} from '../../src/plot/index.js';
import { lineChartText } from '../../src/plot/text-chart.js';
import { formatTick, logTicks, niceTicks, plainTick } from '../../src/plot/ticks.js';

function pixel(img: RgbaImage, x: number, y: number): string {
  const i = (Math.floor(y) * img.width + Math.floor(x)) * 4;
  const hex = (k: number): string => img.rgba[i + k]!.toString(16).padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

function count(text: string, what: string): number {
  return text.split(what).length - 1;
}

/** Points from separate x and y lists. */
function xy(xs: number[], ys: number[]): Array<[number, number]> {
  return xs.map((x, i) => [x, ys[i]!]);
}

const learningCurves: LineChart = {
  title: 'Adding problem, T = 100',
  xLabel: 'training sequences',
  yLabel: 'test MSE',
  series: [
    { label: 'RNN', points: xy([0, 50_000, 100_000, 200_000], [0.17, 0.16, 0.165, 0.16]) },
    { label: 'LSTM', points: xy([0, 50_000, 100_000, 150_000, 200_000], [0.17, 0.05, NaN, 0.002, 0.001]) },
    { label: 'baseline', points: xy([0, 200_000], [0.167, 0.167]), dashed: true, color: '#7F7F7F' },
  ],
};

describe('ticks', () => {
  it('linear ticks step by 1, 2 or 5 × 10^k and are exact decimals', () => {
    assert.deepEqual(niceTicks(0, 200_000, 5), [0, 50_000, 100_000, 150_000, 200_000]);
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0.1, 0.7, 6), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    assert.deepEqual(niceTicks(-3.2, 7.9, 5), [-2, 0, 2, 4, 6]);
    // The step nearest span/target on a log scale: 12/4 = 3 is nearer 2 than 5.
    assert.deepEqual(niceTicks(0, 12, 4), [0, 2, 4, 6, 8, 10, 12]);
  });

  it('log ticks are powers of ten, thinned to every n-th decade when there are many', () => {
    assert.deepEqual(logTicks(-12, 0, 7), [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]);
    assert.deepEqual(
      logTicks(-12, 0, 13),
      [1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1],
    );
    assert.deepEqual(logTicks(-31.6, 3.6, 8), [1e-30, 1e-25, 1e-20, 1e-15, 1e-10, 1e-5, 1]);
    // Under two powers of ten in view: 1-2-5 multiples.
    assert.deepEqual(logTicks(Math.log10(0.15), Math.log10(2.5), 5), [0.2, 0.5, 1, 2]);
    // Fewer than three of those: linear ticks.
    assert.deepEqual(logTicks(Math.log10(0.15), Math.log10(0.6), 5), [0.2, 0.3, 0.4, 0.5, 0.6]);
  });

  it('labels are compact', () => {
    const values = [0, 50_000, 200_000, 1500, 3e6, 2.5e9, 1e-6, 1e-30, 0.01, 0.25, -0.5, 100];
    const labels = ['0', '50k', '200k', '1.5k', '3M', '2.5e9', '1e-6', '1e-30', '0.01', '0.25', '-0.5', '100'];
    assert.deepEqual(values.map(formatTick), labels);
  });
});

describe('text chart', () => {
  it('draws bands, series marks, y labels, the x range and a legend', () => {
    const text = lineChartText(
      {
        title: 'T',
        xLabel: 'year',
        yLabel: 'v',
        xTicks: 'plain',
        series: [
          {
            label: 'up',
            points: [
              [2000, 0],
              [2010, 10],
            ],
          },
          {
            label: 'flat',
            points: [
              [2000, 5],
              [2010, 5],
            ],
          },
        ],
        bands: [
          {
            label: 'band',
            lower: [
              [2005, 2],
              [2010, 2],
            ],
            upper: [
              [2005, 8],
              [2010, 8],
            ],
          },
        ],
      },
      { width: 21, height: 5 },
    );
    const lines = text.split('\n');
    assert.equal(lines[0], 'T');
    assert.equal(lines.length, 1 + 5 + 3);
    assert.match(lines[3] as string, /^ *5 ┤\*{10}[•*]\*{10}$/); // the flat line crosses the middle row
    assert.match(lines[2] as string, /░/); // the band above the middle row, from 2005 on
    assert.doesNotMatch((lines[2] as string).slice(0, 12), /░/);
    assert.match(lines[7] as string, /2000 +2010 {2}year$/);
    assert.match(lines[8] as string, /• up {3}\* flat {3}░ band/);
    assert.equal(plainTick(2016), '2016');
    assert.equal(formatTick(2016), '2.016k');
  });
});

describe('input checks', () => {
  const base = { title: 'Empty <one>', xLabel: 'x', yLabel: 'y' };
  const namesTheChart = (e: Error): boolean =>
    e instanceof ConfigError && e.message.includes('"Empty <one>"') && e.message.includes('no point');

  it('a chart with no drawable point throws a ConfigError naming the chart', () => {
    assert.throws(() => lineChartSvg({ ...base, series: [] }), namesTheChart);
    assert.throws(() => lineChartSvg({ ...base, series: [{ label: 'a', points: [] }] }), namesTheChart);
    assert.throws(
      () => lineChartSvg({ ...base, series: [{ label: 'a', points: xy([0, Infinity], [NaN, 1]) }] }),
      namesTheChart,
    );
    const nonPositive = { ...base, logY: true, series: [{ label: 'a', points: xy([0, 1], [0, -1]) }] };
    assert.throws(() => rasterizeLineChart(nonPositive), /≤ 0 on the log/);
  });

  it('points must be pairs, colours #rrggbb, bands paired', () => {
    const triple = [
      [0, 1],
      [1, 2, 3],
    ] as unknown as Array<[number, number]>;
    assert.throws(
      () => lineChartSvg({ ...base, series: [{ label: 'a', points: triple }] }),
      (e: Error) => e instanceof ShapeError && /point 1 must be an \[x, y\] pair/.test(e.message),
    );
    const red = { ...base, series: [{ label: 'a', points: xy([0], [1]), color: 'red' }] };
    assert.throws(() => lineChartSvg(red), ConfigError);
    const band = { label: 'b', lower: xy([0], [1]), upper: xy([0, 1], [2, 2]) };
    assert.throws(() => lineChartSvg({ ...base, series: [], bands: [band] }), ShapeError);
  });
});

describe('SVG', () => {
  it('is a standalone document: one polyline per gap-free run, dashes, escaped text', () => {
    const svg = lineChartSvg({ ...learningCurves, title: 'a < b & "c" > \'d\'' });
    assert.match(
      svg,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="720" height="420" viewBox="0 0 720 420">/,
    );
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.equal(count(svg, '<polyline'), 4); // RNN, LSTM before and after the NaN, baseline
    assert.equal(svg.match(/<polyline[^>]*stroke-dasharray/g)?.length, 1); // the baseline…
    assert.equal(svg.match(/<line[^>]*stroke-dasharray/g)?.length, 1); // …and its legend key
    assert.ok(svg.includes('stroke="#7f7f7f"'));
    assert.ok(svg.includes('a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;'));
    assert.ok(!svg.includes('a < b'));
    for (const label of ['50k', '200k', 'training sequences', 'test MSE', 'LSTM', 'baseline']) {
      assert.ok(svg.includes(`>${label}</text>`), label);
    }
  });

  it('log y skips zero, negative and non-finite values as gaps', () => {
    const norms = [1e2, 3, 1e-5, 0, 1e-12, -1, Infinity, 1e-20, 1e-30, NaN, 1e-29];
    const chart: LineChart = {
      title: 'gradient norm',
      xLabel: 'distance',
      yLabel: '‖dL/dx‖',
      logY: true,
      series: [{ label: 'RNN', points: norms.map((v, d) => [d, v] as const) }],
    };
    const svg = lineChartSvg(chart);
    assert.equal(count(svg, '<polyline'), 2); // runs [0..2], [4], [7..8], [10]: two lines and two dots
    assert.equal(count(svg, '<circle'), 2);
    const { yTicks } = layoutLineChart(chart);
    assert.ok(yTicks.length >= 3 && yTicks.length <= 10);
    for (const t of yTicks) assert.ok(Number.isInteger(Math.log10(t.value)), `${t.value} is not a power of ten`);
    assert.ok(yTicks.some((t) => t.label === '1e-30') && yTicks.some((t) => t.label === '1'));
  });
});

describe('raster', () => {
  const flat: LineChart = {
    title: 'flat',
    xLabel: 'x',
    yLabel: 'y',
    series: [
      { label: 'level', points: xy([0, 10], [5, 5]), color: '#d62728' },
      { label: 'floor', points: xy([0, 10], [0, 0]), color: '#1f77b4', dashed: true },
    ],
    bands: [{ label: 'interval', lower: xy([0, 10], [1, 1]), upper: xy([0, 10], [2, 2]), color: '#2ca02c' }],
  };
  const layout = layoutLineChart(flat);
  const img = rasterizeLineChart(flat);

  it('has the layout size and an opaque buffer', () => {
    assert.equal(img.width, 720);
    assert.equal(img.height, 420);
    assert.equal(img.rgba.length, 720 * 420 * 4);
    for (let i = 3; i < img.rgba.length; i += 4) assert.equal(img.rgba[i], 255);
  });

  it('a pixel on a horizontal line has its colour; an empty part of the plot is white', () => {
    const [start, end] = layout.lines[0]!.runs[0]!;
    const y = start![1];
    assert.equal(pixel(img, (start![0] + end![0]) / 2, y), '#d62728');
    const { xTicks, yTicks } = layout;
    const emptyX = (xTicks[0]!.pos + xTicks[1]!.pos) / 2;
    const emptyY = (yTicks.at(-1)!.pos + yTicks.at(-2)!.pos) / 2; // between 4 and 5, above the band
    assert.equal(pixel(img, emptyX, emptyY), '#ffffff');
    assert.equal(pixel(img, emptyX, yTicks.at(-2)!.pos), '#e6e6e6'); // the gridline at 4
  });

  it('dashed lines have gaps; bands are see-through', () => {
    const run = layout.lines[1]!.runs[0]!;
    const y = run[0]![1];
    const along: string[] = [];
    for (let x = Math.ceil(run[0]![0]) + 3; x < run[1]![0] - 3; x++) along.push(pixel(img, x, y));
    assert.ok(along.filter((c) => c === '#1f77b4').length > along.length / 2);
    assert.ok(along.some((c) => c !== '#1f77b4'));
    const [, top] = layout.bands[0]!.polygons[0]![0]!; // upper curve, left end
    const [, bottom] = layout.bands[0]!.polygons[0]!.at(-1)!; // lower curve, left end
    const inside = pixel(img, (run[0]![0] + run[1]![0]) / 2 + 3, (top + bottom) / 2 + 3);
    const [r, g, b] = [1, 3, 5].map((k) => parseInt(inside.slice(k, k + 2), 16));
    // 25% of #2ca02c over white: (0.25·44 + 0.75·255, 0.25·160 + 0.75·255, 0.25·44 + 0.75·255)
    assert.deepEqual([r, g, b], [202, 231, 202]);
  });

  it('draws text: the title row has ink', () => {
    const title = layout.texts.find((t) => t.text === 'flat')!;
    let ink = 0;
    for (let y = title.top; y < title.top + 14; y++) {
      for (let x = title.x - 30; x < title.x + 30; x++) if (pixel(img, x, y) === '#222222') ink++;
    }
    assert.ok(ink > 40, `only ${ink} text pixels`);
  });
});

describe('bitmap font', () => {
  it('measures one advance per character, at any scale', () => {
    assert.equal(textWidth('abc'), 3 * GLYPH_ADVANCE);
    assert.equal(textWidth('abc', 2), 6 * GLYPH_ADVANCE);
    assert.equal(textWidth('1×10'), 4 * GLYPH_ADVANCE);
  });

  it('draws the set bits of each glyph; unknown characters are boxes, printable ASCII is not', () => {
    const cells = new Set<string>();
    drawText('T', 10, 20, 1, (x, y, w, h) => {
      for (let i = 0; i < w; i++) for (let j = 0; j < h; j++) cells.add(`${x + i},${y + j}`);
    });
    const expected = [
      '10,20',
      '11,20',
      '12,20',
      '13,20',
      '14,20',
      '12,21',
      '12,22',
      '12,23',
      '12,24',
      '12,25',
      '12,26',
    ];
    assert.deepEqual([...cells].sort(), expected.sort());
    const box = glyphRows(0x4e00);
    for (let c = 33; c <= 126; c++) assert.notDeepEqual(glyphRows(c), box, String.fromCharCode(c));
    assert.deepEqual(glyphRows(32), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
