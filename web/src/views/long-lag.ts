/**
 * Long time lags: the gradient-flow experiment, live. A tanh RNN and an LSTM of the same size
 * train side by side on the adding problem in this view's worker (jobs/long-lag.ts); every few
 * updates the worker sends both cells' losses and gradient flow, and long-lag-display.ts draws
 * them. The page only reads the controls and shows what comes back.
 */
import { clientFor } from '../clients.ts';
import { button, field, h, numberInput, showStatus } from '../dom.ts';
import { LongLagDisplay } from '../long-lag-display.ts';
import {
  LONG_LAG_EVENTS,
  type LongLagDone,
  type LongLagReport,
  type LongLagSettings,
  type LongLagStart,
} from '../long-lag-types.ts';
import type { View } from './index.ts';

/** The defaults: T = 50 trains in tens of seconds on two cores, and the LSTM solves it within them. */
const DEFAULTS: LongLagSettings = {
  length: 50,
  hiddenSize: 32,
  learningRate: 5e-3,
  updates: 2000,
  batchSize: 20,
  reportEvery: 50,
  seed: 1,
};

function explanation(): HTMLElement {
  return h(
    'div',
    { className: 'intro' },
    h(
      'p',
      {},
      'The adding problem: each sequence holds T random numbers, two of them marked, one in each half; ',
      'the network must output their sum at the end. To learn it, the error at the last step has to ',
      'reach back to the first marked number, up to T − 1 steps earlier.',
    ),
    h(
      'p',
      {},
      'The gradient-flow chart shows how much the loss still depends on the input d steps before the ',
      'end: the norm of dLoss/dx at distance d (log scale). In the tanh RNN every step multiplies the ',
      'gradient by the recurrent weights and the slope of tanh, so it vanishes exponentially with ',
      'distance and the far marker gets almost no signal: the RNN stays near the loss of always ',
      'predicting 1 (at short lengths such as T = 30 it may start to learn after a thousand updates ',
      "or so). The LSTM's cell state is updated by addition and kept by the forget gate, so the ",
      'gradient travels back along it almost unchanged, and the LSTM finds the markers.',
    ),
    h(
      'p',
      {},
      'The ratio norm(T−1)/norm(0) sums it up: how much of the gradient at the last step reaches the ',
      "first. The RNN's is orders of magnitude below the LSTM's, and shrinks as T grows. The dashed ",
      "curves are the same networks before training; the RNN's solid curve can jump about while it trains.",
    ),
  );
}

export const longLagView: View = {
  id: 'long-lag',
  title: 'Long time lags',
  mount(section) {
    const client = clientFor('long-lag');
    const status = h('p', { className: 'status', id: 'long-lag-status', role: 'status' }, 'Ready.');
    const inputs = {
      length: field('Sequence length T', numberInput(DEFAULTS.length, 4, 1000, 1, 'length'), 'longest lag: T − 1'),
      hiddenSize: field('Hidden units (each cell)', numberInput(DEFAULTS.hiddenSize, 1, 512, 1, 'hidden')),
      learningRate: field('Learning rate (Adam)', numberInput(DEFAULTS.learningRate, 0.0001, 1, 0.0001, 'lr')),
      updates: field('Updates', numberInput(DEFAULTS.updates, 1, 1_000_000, 1, 'updates')),
      batchSize: field('Sequences per update', numberInput(DEFAULTS.batchSize, 1, 1000, 1, 'batch')),
      reportEvery: field('Report every (updates)', numberInput(DEFAULTS.reportEvery, 1, 1_000_000, 1, 'every')),
      seed: field('Seed', numberInput(DEFAULTS.seed, 0, 2 ** 31 - 1, 1, 'seed')),
    };
    // each number as typed (NaN when empty): the job's checks word any problem
    const read = (): LongLagSettings =>
      Object.fromEntries(
        Object.entries(inputs).map(([key, f]) => [key, f.control.value === '' ? Number.NaN : Number(f.control.value)]),
      ) as unknown as LongLagSettings;

    let total = 0;
    let running = false; // between Start and the job's answer, until Stop is pressed
    const stats = {
      updates: h('b', { id: 'long-lag-updates' }, '0'),
      seconds: h('b', { id: 'long-lag-seconds' }, '—'),
      task: h('b', { id: 'long-lag-task' }, '—'),
    };
    const stat = (value: HTMLElement, label: string): HTMLElement =>
      h('div', { className: 'stat' }, value, h('span', {}, label));
    const criterion = h('p', { className: 'status', id: 'long-lag-criterion' });

    const start = button(
      'Start',
      async () => {
        const settings = read();
        total = settings.updates;
        showStatus(status, 'Starting: the held-out set and the untrained networks first…');
        stop.disabled = false;
        running = true;
        try {
          const done = await client.call<LongLagDone>('long-lag-train', settings);
          const took = `${done.updates} update${done.updates === 1 ? '' : 's'} of each cell in ${done.seconds.toFixed(1)} s`;
          showStatus(status, done.stopped ? `Stopped after ${took}.` : `Done: ${took}.`);
        } finally {
          running = false;
          stop.disabled = true;
        }
      },
      status,
    );
    start.id = 'long-lag-start';
    const stop = button(
      'Stop',
      async () => {
        running = false;
        showStatus(status, 'Stopping after the current update…');
        await client.call<boolean>('long-lag-stop');
      },
      status,
    );
    stop.id = 'long-lag-stop';
    stop.className = 'secondary';
    stop.disabled = true;

    const controls = h(
      'div',
      { className: 'panel' },
      h('h3', {}, 'Settings'),
      ...Object.values(inputs).map((f) => f.row),
      h('div', { className: 'buttons' }, start, stop),
      status,
      h('p', { className: 'status' }, 'New settings apply at the next Start. Both cells train on the same batches.'),
    );
    const results = h(
      'div',
      {},
      h(
        'div',
        { className: 'stats' },
        stat(stats.updates, 'updates of each cell'),
        stat(stats.seconds, 'seconds'),
        stat(stats.task, 'task'),
      ),
      criterion,
    );
    section.append(explanation(), h('div', { className: 'columns' }, controls, results));
    const display = new LongLagDisplay(results);

    client.on<LongLagStart>(LONG_LAG_EVENTS.start, (s) => {
      display.begin(s);
      stats.task.textContent = s.taskName;
      criterion.textContent = `Criterion: ${s.criterion}; held-out set: ${s.testSize} sequences.`;
    });
    client.on<LongLagReport>(LONG_LAG_EVENTS.report, (r) => {
      display.add(r);
      stats.updates.textContent = String(r.update);
      stats.seconds.textContent = r.seconds.toFixed(1);
      if (running) showStatus(status, `Training: update ${r.update} of ${total}…`);
    });
  },
};
