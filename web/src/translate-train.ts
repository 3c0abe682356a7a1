/**
 * The translate view's training panel: a built-in task's pairs (made in the worker) or pasted
 * ones, a few settings, and the progress of `translate-train` as figures and a loss chart per
 * epoch. `trained` gets the new model's description and, when the pairs are an untouched built-in
 * task's, a source typical of that task to translate.
 */
import type { EpochRecord } from 'lstm';
import { lineChart } from './charts.ts';
import type { WorkerClient } from './client.ts';
import { button, field, h, numberInput, select, showStatus } from './dom.ts';
import type { TrainInput, TranslatorInfo, UpdateProgress } from './jobs/translate.ts';
import { EXAMPLE_INPUT, EXAMPLE_TASKS, type ExampleTask } from './translate-examples.ts';

/** A figure with its caption under it, as the .stats grid shows them. */
function stat(label: string, id: string): HTMLElement {
  return h('div', { className: 'stat' }, h('b', { id }, '–'), h('span', {}, label));
}

/** `el` with the id tests and labels find it by. */
function named<E extends HTMLElement>(el: E, id: string): E {
  el.id = id;
  return el;
}

export function trainPanel(
  client: WorkerClient,
  status: HTMLElement,
  trained: (info: TranslatorInfo, example: string | undefined) => Promise<void>,
): HTMLElement {
  const task = field('Example task', named(select(EXAMPLE_TASKS, 'dates', 'task'), 'translate-task'));
  const count = field('Pairs to make', named(numberInput(2000, 50, 20000, 50, 'count'), 'translate-count'));
  const pairs = field(
    'Pairs: source, a tab, target; one pair a line (tokens are characters)',
    h('textarea', { rows: 8, spellcheck: 'false', name: 'pairs', id: 'translate-pairs' }),
  );
  const epochs = field('Epochs at most', named(numberInput(8, 1, 200, 1, 'epochs'), 'translate-epochs'));
  const hidden = field('Encoder units per direction', named(numberInput(32, 4, 256, 4, 'hidden'), 'translate-hidden'));
  const seconds = field('Time limit (s)', named(numberInput(60, 1, 3600, 1, 'seconds'), 'translate-limit'));
  const seed = field('Seed', named(numberInput(1, 0, 2 ** 31, 1, 'seed'), 'translate-seed'));
  const figures = h(
    'div',
    { className: 'stats' },
    stat('epoch', 'translate-stat-epoch'),
    stat('update', 'translate-stat-update'),
    stat('batch loss', 'translate-stat-loss'),
    stat('validation loss', 'translate-stat-valid'),
    stat('seconds', 'translate-stat-seconds'),
  );
  const chartBox = h('div');
  const show = (id: string, text: string): void => {
    const el = figures.querySelector(`#${id}`);
    if (el !== null) el.textContent = text;
  };
  // the built-in task the pairs were made from, until they are edited
  let madeFrom: ExampleTask | undefined;
  pairs.control.addEventListener('input', () => (madeFrom = undefined));

  const makeExample = async (): Promise<void> => {
    const chosen = task.control.value as ExampleTask;
    const text = await client.call<string>('translate-example', {
      task: chosen,
      count: Number(count.control.value),
      seed: Number(seed.control.value),
    });
    pairs.control.value = text;
    madeFrom = chosen;
    showStatus(status, `${text.split('\n').length} example pairs made: press Train.`);
  };

  const seen: EpochRecord[] = [];
  let chart: ReturnType<typeof lineChart> | undefined;
  client.on<UpdateProgress>('translate-update', (u) => {
    show('translate-stat-update', String(u.update));
    show('translate-stat-loss', u.loss.toFixed(3));
    show('translate-stat-seconds', u.seconds.toFixed(1));
    showStatus(status, `Training: epoch ${u.epoch}, update ${u.update}, loss ${u.loss.toFixed(3)} nats per token…`);
  });
  client.on<EpochRecord>('translate-epoch', (r) => {
    seen.push(r);
    show('translate-stat-epoch', String(r.epoch));
    show('translate-stat-valid', r.validLoss.toFixed(3));
    show('translate-stat-seconds', r.seconds.toFixed(1));
    chart ??= lineChart(chartBox, {
      label: 'Training and validation loss per epoch (nats per output token)',
      xLabel: 'epoch',
      yLabel: 'loss (nats)',
      series: [
        { label: 'training', color: '#1f5fbf' },
        { label: 'validation', color: '#c2410c', dash: [6, 4] },
      ],
      height: 200,
    });
    // [epochs, training losses, validation losses]
    chart.setData([seen.map((e) => e.epoch), seen.map((e) => e.trainLoss), seen.map((e) => e.validLoss)]);
  });

  const train = async (): Promise<void> => {
    if (pairs.control.value.trim() === '') await makeExample();
    seen.length = 0;
    chart?.setData([[], [], []]);
    showStatus(status, 'Training…');
    const input: TrainInput = {
      text: pairs.control.value,
      epochs: Number(epochs.control.value),
      hidden: Number(hidden.control.value),
      seconds: Number(seconds.control.value),
      seed: Number(seed.control.value),
    };
    const info = await client.call<TranslatorInfo>('translate-train', input);
    showStatus(
      status,
      `Trained on ${info.trainPairs} pairs (${info.validPairs} held out) in ${seen.at(-1)?.seconds.toFixed(1) ?? '?'} s; ` +
        `the weights of epoch ${info.bestEpoch} kept.`,
    );
    await trained(info, madeFrom === undefined ? undefined : EXAMPLE_INPUT[madeFrom]);
  };

  return h(
    'div',
    { className: 'panel' },
    h('h3', {}, 'Train a small one here'),
    h('div', { className: 'row' }, task.row, count.row),
    h('div', { className: 'buttons' }, named(button('Make example pairs', makeExample, status), 'translate-make')),
    pairs.row,
    h('div', { className: 'row' }, epochs.row, hidden.row, seconds.row, seed.row),
    h('div', { className: 'buttons' }, named(button('Train', train, status), 'translate-train')),
    figures,
    chartBox,
  );
}
