/**
 * The speech view's answer: the text (and the beam's alternatives), a table of each character's
 * start and end in seconds (the CTC alignment's timing), and the library's alignment chart drawn on
 * a canvas: the written characters in red at their times, the log-mel spectrogram, then one row
 * per output class (the blank first) whose darkness is p(class | step). The chart is 240 px a
 * second at its own pixel size, in a region that scrolls sideways on a narrow screen; the table
 * carries the same timing as text.
 */
import { h } from './dom.ts';
import type { SpeechResult } from './jobs/speech.ts';

const shown = (char: string): string => (char === ' ' ? '␣ (space)' : char);

export function showResult(container: HTMLElement, r: SpeechResult): void {
  const text = h('output', { id: 'speech-text', className: 'stat', 'aria-live': 'polite' }, r.text);
  if (r.text === '') text.append(h('span', {}, '(nothing recognised)'));
  const alternatives =
    r.alternatives.length === 0
      ? null
      : h(
          'ol',
          { id: 'speech-alternatives', start: 2 },
          ...r.alternatives.map((a) =>
            h('li', {}, `${a.text === '' ? '(empty)' : a.text}  (log p ${a.logProb.toFixed(3)})`),
          ),
        );
  const timing = h(
    'table',
    { id: 'speech-timing' },
    h('caption', {}, 'When each character was said'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'character'),
        h('th', { scope: 'col' }, 'start (s)'),
        h('th', { scope: 'col' }, 'end (s)'),
      ),
    ),
    h(
      'tbody',
      {},
      ...r.characters.map((c) =>
        h('tr', {}, h('td', {}, shown(c.char)), h('td', {}, c.start.toFixed(3)), h('td', {}, c.end.toFixed(3))),
      ),
    ),
  );
  container.replaceChildren(
    ...[
      text,
      h('p', { className: 'status' }, `log p ${r.logProb.toFixed(3)}, ${r.seconds.toFixed(2)} s of audio`),
      alternatives,
      r.characters.length === 0 ? null : timing,
      h('h3', { id: 'speech-chart-heading' }, 'Alignment'),
      chart(r),
    ].filter((part) => part !== null),
  );
}

function chart(r: SpeechResult): HTMLElement {
  if (r.chart === null) return h('p', {}, 'The recording is too long to chart (over a minute).');
  const { width, height, rgba } = r.chart;
  const canvas = h('canvas', {
    id: 'speech-chart',
    width,
    height,
    role: 'img',
    'aria-label': `CTC alignment of ${r.seconds.toFixed(2)} s: the characters ${JSON.stringify(r.text)} at their times, the spectrogram, and each class's probability per step (the table above lists the times).`,
    // its own pixel size (the glyphs are drawn for it); the region around it scrolls
    style: `max-width: none; width: ${width}px; height: ${height}px; display: block`,
  });
  canvas.getContext('2d')?.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return h(
    'div',
    { role: 'region', tabindex: 0, 'aria-labelledby': 'speech-chart-heading', style: 'overflow-x: auto' },
    canvas,
  );
}
