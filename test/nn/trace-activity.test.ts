/** mostActiveUnits (src/nn/trace-activity.ts): the units whose state varies most over a trace. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayerTrace } from '../../src/nn/inspect.js';
import { mostActiveUnits } from '../../src/nn/trace-activity.js';

function trace(cell: number[][] | null, hidden: number[][]): LayerTrace {
  return { layer: 0, direction: 'forward', kind: cell === null ? 'gru' : 'lstm', gates: {}, cell, hidden };
}

describe('mostActiveUnits', () => {
  it('ranks the units by the variation of their cell state, most first', () => {
    const cell = [
      [0, 5, 1, 0.5],
      [0, -5, 2, 0.5],
      [0, 5, 3, 0.6],
    ];
    assert.deepEqual(mostActiveUnits(trace(cell, cell), 3), [1, 2, 3]);
    assert.deepEqual(mostActiveUnits(trace(cell, cell), 10), [1, 2, 3, 0]);
  });

  it('reads h where the cell has no separate state', () => {
    assert.deepEqual(
      mostActiveUnits(
        trace(null, [
          [1, 0],
          [-1, 0],
        ]),
        1,
      ),
      [0],
    );
  });
});
