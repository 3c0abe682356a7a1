/**
 * Inside the network: the model of the language-model view (the same worker) reads a text, and
 * chosen units are drawn as per-character heat maps, as Karpathy, Johnson and Fei-Fei did in
 * "Visualizing and Understanding Recurrent Networks" (2015): red where a unit is positive, blue
 * where negative (each unit scaled by its largest |value| over the text), so a unit that tracks
 * quotes or brackets lights up inside them. A search ranks
 * every unit (cell state, output and every gate of every layer) by how closely it follows a
 * regular expression the user types.
 */
import { clientFor } from '../clients.ts';
import { button, field, h, numberInput, select, showError, showStatus } from '../dom.ts';
import type { View } from './index.ts';

interface LayerTrace {
  gates: Record<string, number[][]>;
  cell: number[][] | null;
  hidden: number[][];
}
interface Trace {
  chars: string[];
  layers: LayerTrace[];
}
interface TrackingUnit {
  layer: number;
  signal: string;
  unit: number;
  correlation: number;
}

const SAMPLE_TEXT = `"Call me Ishmael," he said (quietly, as if to himself). "Some years ago (never mind how long precisely) I went to sea."
function pick(items, n) { return items.filter((item) => item.score > n).map((item) => item.name); }`;

/** A value's colour: red for positive, blue for negative, stronger the larger |v| (v in [−1, 1]). */
function colour(v: number): string {
  const a = Math.min(1, Math.abs(v));
  return v >= 0 ? `rgba(214, 39, 40, ${a.toFixed(3)})` : `rgba(31, 95, 191, ${a.toFixed(3)})`;
}

/** The rows (T × width) of a signal of a layer. */
function rowsOf(layer: LayerTrace, signal: string): number[][] {
  if (signal === 'cell') return layer.cell ?? layer.hidden;
  if (signal === 'hidden') return layer.hidden;
  return layer.gates[signal] ?? layer.hidden;
}

/** One unit as a heat map over the characters; each character's title gives the value. */
function heatMap(trace: Trace, layer: number, signal: string, unit: number, note = ''): HTMLElement {
  const rows = rowsOf(trace.layers[layer] as LayerTrace, signal);
  // each unit on its own scale (its largest |value| over the text), so a quiet unit's pattern shows too
  const scale = rows.reduce((m, row) => Math.max(m, Math.abs(row[unit] ?? 0)), 1e-6);
  const text = h('div', { className: 'heat', role: 'img', 'aria-label': `layer ${layer + 1} ${signal} unit ${unit}` });
  trace.chars.forEach((ch, t) => {
    const v = rows[t]?.[unit] ?? 0;
    const span = h('span', { title: `${JSON.stringify(ch)}: ${v.toFixed(3)}` }, ch);
    span.style.background = colour(v / scale);
    text.append(span);
  });
  return h(
    'div',
    { className: 'heat-row' },
    h('header', {}, `layer ${layer + 1}, ${signal === 'cell' ? 'cell state' : signal}, unit ${unit}${note}`),
    text,
  );
}

export const insideView: View = {
  id: 'inside',
  title: 'Inside the network',
  mount(section) {
    const client = clientFor('inside'); // the language model's worker
    const status = h('p', { className: 'status', id: 'inside-status', role: 'status' });
    const text = h('textarea', { id: 'inside-text', rows: 6 }, SAMPLE_TEXT);
    const layer = numberInput(1, 1, 4);
    layer.id = 'inside-layer';
    const signal = select(
      [
        ['cell', 'cell state c'],
        ['hidden', 'output h'],
        ['input', 'input gate'],
        ['forget', 'forget gate'],
        ['output', 'output gate'],
      ],
      'cell',
    );
    const units = h('input', { type: 'text', id: 'inside-units', value: '0-7', inputmode: 'numeric' });
    const pattern = h('input', { type: 'text', id: 'inside-pattern', value: '"[^"]*"' });
    const maps = h('div', { id: 'inside-maps', 'aria-live': 'polite' });
    const found = h('div', { id: 'inside-found' });
    let trace: Trace | null = null;

    /** "0-7, 12" → [0 … 7, 12], within the layer's width. */
    const unitList = (width: number): number[] => {
      const out: number[] = [];
      for (const part of units.value.split(',')) {
        const [a, b] = part.split('-').map((s) => Number.parseInt(s.trim(), 10));
        if (a === undefined || !Number.isInteger(a)) continue;
        for (let u = a; u <= (b !== undefined && Number.isInteger(b) ? b : a); u++)
          if (u >= 0 && u < width) out.push(u);
      }
      return out;
    };
    const readTrace = async (): Promise<Trace> => {
      if (text.value.length === 0) throw new Error('type or paste a text for the model to read.');
      trace = await client.call<Trace>('lm-trace', { text: text.value });
      layer.max = String(trace.layers.length);
      return trace;
    };
    const show = async (): Promise<void> => {
      const t = await readTrace();
      const l = Math.min(Number(layer.value), t.layers.length) - 1;
      const rows = rowsOf(t.layers[l] as LayerTrace, signal.value);
      const list = unitList(rows[0]?.length ?? 0);
      if (list.length === 0)
        throw new Error(`give units between 0 and ${(rows[0]?.length ?? 1) - 1}, e.g. 0-7 or 3, 9.`);
      maps.replaceChildren(...list.map((u) => heatMap(t, l, signal.value, u)));
      showStatus(status, `${t.chars.length} characters read by layer ${l + 1} of ${t.layers.length}.`);
    };
    const search = async (): Promise<void> => {
      const ranked = await client.call<TrackingUnit[]>('lm-track', {
        text: text.value,
        pattern: pattern.value,
        flags: 'g',
      });
      const t = await readTrace();
      found.replaceChildren(
        h(
          'table',
          {},
          h('caption', {}, `Units that follow /${pattern.value}/ most closely`),
          h('tr', {}, h('th', {}, 'unit'), h('th', {}, 'correlation')),
          ...ranked.map((u) =>
            h(
              'tr',
              {},
              h('td', {}, `layer ${u.layer + 1} ${u.signal} ${u.unit}`),
              h('td', {}, u.correlation.toFixed(3)),
            ),
          ),
        ),
      );
      const best = ranked[0];
      if (best !== undefined)
        maps.replaceChildren(
          ...ranked.slice(0, 3).map((u) => heatMap(t, u.layer, u.signal, u.unit, ` (r = ${u.correlation.toFixed(2)})`)),
        );
      showStatus(
        status,
        best === undefined
          ? 'No unit varies over this text.'
          : `Best: layer ${best.layer + 1} ${best.signal} unit ${best.unit}.`,
      );
    };
    const showButton = button('Show heat maps', show, status);
    showButton.id = 'inside-show';
    const searchButton = button('Find units', search, status);
    searchButton.id = 'inside-search';
    section.append(
      h(
        'p',
        {},
        'The model being trained in the Language model view reads the text below. Each row is one unit: red where it is positive, blue where negative. Hover a character for its value.',
      ),
      h(
        'div',
        { className: 'columns' },
        h(
          'div',
          { className: 'panel' },
          field('Text the model reads', text).row,
          h('div', { className: 'row' }, field('Layer', layer).row, field('Signal', signal).row),
          field('Units', units, 'e.g. 0-7, 12').row,
          h('div', { className: 'buttons' }, showButton),
          field(
            'Find the unit that tracks (regular expression)',
            pattern,
            'e.g. "[^"]*" (inside quotes), \\([^)]*\\) (brackets), \\n (line ends)',
          ).row,
          h('div', { className: 'buttons' }, searchButton),
          found,
        ),
        h('div', {}, status, maps),
      ),
    );
    void client.call('lm-info').then((info) => {
      if (info === null)
        showError(status, 'There is no model yet: train or load one in the Language model view first.');
    });
  },
};
