/**
 * The translate view's attention map as a grid of cells: one row per output token (and the final
 * </s>), one column per source token, each cell shaded by its weight (the share of the decoder's
 * attention that output step gave that source token; a row sums to 1). Every cell also carries its
 * weight as a title and an aria-label, so the numbers behind the shading can be read out.
 * The grid is a role="table" of role="row"s (display: contents, so the cells sit in one CSS grid).
 */
import { h } from './dom.ts';

/** Tokens as shown in a header: a space is drawn as ␣ so it stays visible. */
const shown = (token: string): string => (token === ' ' ? '␣' : token);

export function renderAttention(
  container: HTMLElement,
  source: readonly string[],
  target: readonly string[],
  weights: readonly (readonly number[])[],
): void {
  container.replaceChildren();
  container.dataset['rows'] = String(weights.length);
  container.dataset['cols'] = String(source.length);
  // a label column, then fixed-size cells (the grid scrolls sideways in its region when too wide)
  container.style.gridTemplateColumns = `max-content repeat(${source.length}, 1.6rem)`;
  const header = h(
    'div',
    { role: 'row', style: 'display: contents' },
    h('div', { role: 'columnheader', 'aria-label': 'output ↓, source →' }),
    ...source.map((t, c) =>
      h(
        'div',
        { role: 'columnheader', className: 'col-label', title: `source ${c + 1}: ${JSON.stringify(t)}` },
        shown(t),
      ),
    ),
  );
  container.append(header);
  weights.forEach((row, r) => {
    const label = target[r] ?? '</s>';
    const cells = source.map((t, c) => {
      const w = row[c] ?? 0;
      const text = `${JSON.stringify(label)} ← ${JSON.stringify(t)}: ${w.toFixed(3)}`;
      return h('div', {
        role: 'cell',
        className: 'cell',
        title: text,
        'aria-label': text,
        'data-weight': w.toFixed(4),
        // the accent colour at the weight's opacity: white is 0, full blue is 1
        style: `background: rgba(31, 95, 191, ${Math.min(1, Math.max(0, w)).toFixed(3)})`,
      });
    });
    container.append(
      h(
        'div',
        { role: 'row', className: 'attention-row', style: 'display: contents' },
        h(
          'div',
          { role: 'rowheader', className: 'row-label', style: 'justify-content: flex-end; padding: 0 0.3rem' },
          shown(label),
        ),
        ...cells,
      ),
    );
  });
}
