/**
 * What the long-time-lag view (views/long-lag.ts) and its jobs (jobs/long-lag.ts) say to each
 * other: the run's settings, one 'start' event with what does not change during the run, and a
 * report every so often with both cells' numbers. Everything crosses by structured clone.
 */

/** The two cells raced, in the order they are trained, drawn and tabulated. */
export const CELLS = ['rnn', 'lstm'] as const;
export type RaceCell = (typeof CELLS)[number];
export const CELL_NAMES: Record<RaceCell, string> = { rnn: 'tanh RNN', lstm: 'LSTM' };

/** The events the training job emits. */
export const LONG_LAG_EVENTS = { start: 'long-lag-start', report: 'long-lag-report' } as const;

export interface LongLagSettings {
  /** T: the adding problem's sequence length (the longest time lag is T − 1). */
  length: number;
  /** Hidden units of each cell (both cells get the same size). */
  hiddenSize: number;
  /** Adam's learning rate, for both cells. */
  learningRate: number;
  /** Training updates per cell (each update: one batch, seen by both cells). */
  updates: number;
  /** Sequences per update. */
  batchSize: number;
  /** Evaluate and measure the gradient flow after every this many updates. */
  reportEvery: number;
  /** Seeds the initial weights (the same draw for both cells) and the training sequences. */
  seed: number;
}

/** Sent once, before the first update. */
export interface LongLagStart {
  T: number;
  /** The task's name and its solved criterion, as the library words them. */
  taskName: string;
  criterion: string;
  /** Held-out MSE of always predicting 1 (the plateau a cell that ignores the markers sits on). */
  trivialError: number;
  /** |error| below which a held-out sequence counts as correct. */
  tolerance: number;
  /** The distances the text table shows (the library's tableDistances(T)). */
  distances: number[];
  /** Held-out sequences, and sequences in the fixed gradient-flow batch. */
  testSize: number;
  flowSize: number;
}

/** One cell's numbers at one report. */
export interface CellReport {
  cell: RaceCell;
  /** Mean training loss (MSE) over the updates since the previous report; null at update 0. */
  trainLoss: number | null;
  /** Held-out MSE and fraction of held-out sequences within the tolerance. */
  testLoss: number;
  testCorrect: number;
  /** norms[d] = mean ‖dLoss/dx‖ at distance d from the end, d = 0 … T − 1 (gradientFlow). */
  norms: Float64Array;
}

/** Sent at update 0 (the untrained networks) and after every reportEvery updates. */
export interface LongLagReport {
  update: number;
  /** Seconds since the run started. */
  seconds: number;
  cells: CellReport[];
}

/** The training job's answer. */
export interface LongLagDone {
  updates: number;
  seconds: number;
  /** Whether Stop ended the run before its budget. */
  stopped: boolean;
}
