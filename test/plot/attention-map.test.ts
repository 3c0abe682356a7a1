/**
 * Attention maps (src/plot/attention-map.ts): the text grid's shading, the SVG's cells and escaped
 * labels, and the pixel buffer's cell colours and size, on a small map.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attentionMapSvg, attentionMapText, rasterizeAttentionMap } from '../../src/plot/attention-map.js';

const MAP = {
  source: ['a', 'b', '<'],
  target: ['x', '</s>'],
  weights: [
    [1, 0, 0],
    [0.2, 0.5, 0.3],
  ],
};

describe('attention maps', () => {
  it('as text: a header of source tokens, a row per target token, shades by weight', () => {
    assert.equal(attentionMapText(MAP), ['     ab<', '   x █  ', '</s> ·▒░'].join('\n'));
  });

  it('as SVG: one cell per weight, grey by weight, labels escaped', () => {
    const svg = attentionMapSvg(MAP);
    assert.equal((svg.match(/<rect x=/g) ?? []).length, 6);
    assert.match(svg, /fill="rgb\(0,0,0\)"><title>x ← a: 1\.000/);
    assert.match(svg, /fill="rgb\(128,128,128\)"><title>&lt;\/s&gt; ← b: 0\.500/);
    assert.match(svg, />&lt;\/s&gt;<\/text>/);
  });

  it('as pixels: the SVG layout, each cell filled with its grey', () => {
    const image = rasterizeAttentionMap(MAP);
    assert.equal(image.rgba.length, image.width * image.height * 4);
    const svg = attentionMapSvg(MAP);
    const [x, y] = (/<rect x="(\d+)" y="(\d+)"/.exec(svg) ?? []).slice(1).map(Number) as [number, number];
    const pixel = (px: number, py: number): number => image.rgba[(py * image.width + px) * 4] as number;
    assert.equal(pixel(x + 12, y + 12), 0); // x ← a: weight 1
    assert.equal(pixel(x + 24 + 12, y + 12), 255); // x ← b: weight 0
    assert.equal(pixel(x + 24 + 12, y + 24 + 12), 128); // </s> ← b: 0.5
  });
});
