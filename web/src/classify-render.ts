/**
 * The classify view's results on the page: the test table (each model's accuracy and macro F1),
 * the LSTM's confusion matrix, and one bar per class for a text's probabilities, each with its
 * number as text (a bar alone says nothing to a screen reader).
 */
import { h } from './dom.ts';
import type { ClassifyResult, Probabilities } from './jobs/classify.ts';

const percent = (v: number): string => `${(100 * v).toFixed(1)} %`;

export function resultsTable(r: ClassifyResult): HTMLElement {
  return h(
    'table',
    { id: 'classify-results' },
    h('caption', {}, `${r.sizes.test} test texts (every fifth); ${r.sizes.train} trained, ${r.sizes.valid} validated`),
    h('thead', {}, h('tr', {}, ...['model', 'accuracy', 'macro F1'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      ...r.rows.map((row) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, row.name),
          h('td', { className: 'accuracy' }, percent(row.accuracy)),
          h('td', {}, row.macroF1.toFixed(3)),
        ),
      ),
    ),
  );
}

/** Rows: the true class; columns: the class the LSTM predicted. */
export function confusionTable(r: ClassifyResult): HTMLElement {
  return h(
    'table',
    { id: 'classify-confusion' },
    h('caption', {}, 'LSTM confusion matrix on the test texts (rows: true class, columns: predicted)'),
    h('thead', {}, h('tr', {}, h('td', {}), ...r.classes.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...r.confusion.map((counts, i) =>
        h('tr', {}, h('th', { scope: 'row' }, r.classes[i] ?? ''), ...counts.map((n) => h('td', {}, String(n)))),
      ),
    ),
  );
}

/** One row per class: its name, a bar as long as its probability, and the probability as text. */
export function probabilityBars(container: HTMLElement, p: Probabilities): void {
  const best = p.probabilities.indexOf(Math.max(...p.probabilities));
  container.replaceChildren(
    ...p.classes.flatMap((c, k) => {
      const v = p.probabilities[k] ?? 0;
      return [
        h('span', { className: 'class-name' }, k === best ? h('b', {}, c) : c),
        h('div', { className: 'bar', style: `width: ${(100 * v).toFixed(1)}%`, 'aria-hidden': 'true' }),
        h('span', { className: 'probability', 'data-class': c }, v.toFixed(3)),
      ];
    }),
  );
}
