/**
 * The TensorFlow.js peers: tfjs-cpu (kernels in plain JavaScript) and tfjs-wasm (XNNPACK kernels in
 * WebAssembly SIMD, one thread in Node). Each configuration runs in a fresh Node process
 * (tfjs-child.ts, speaking child.ts's protocol), timed by the same harness and budget as this
 * library's backends: a fresh heap each, since the wasm module's memory only grows and a
 * configuration that fills it aborts the module for every later one.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchConfig } from '../configs.js';
import type { RunMode } from '../report.js';
import { runChild } from './child.js';
import { tfjsMissing } from './tfjs-workloads.js';
import type { Peer, PeerRun } from './index.js';

const CHILD = fileURLToPath(new URL('./tfjs-child.js', import.meta.url));

const HOW =
  'tf.layers models (LSTM layers over one-hot input, dense output); training steps (C1, C2, C5) by ' +
  'optimizer.minimize with tf.train.adam, the loss read back; C3 a stateful batch-1 model, model.apply ' +
  'per token; C4 model.predict; GEMM tf.matMul with its transpose flags; production mode; ' +
  'one Node process per configuration';

/** The installed version of a TensorFlow.js package. */
function version(pkg: string): string {
  const require = createRequire(import.meta.url);
  return (require(`@tensorflow/${pkg}/package.json`) as { version: string }).version;
}

export function tfjsPeer(backend: 'cpu' | 'wasm'): Peer {
  const name = `tfjs-${backend}`;
  let checked: Promise<string | null> | undefined;
  /** Load TensorFlow.js in a child and switch to the backend: null, or why it cannot run. */
  const check = async (): Promise<string | null> => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [CHILD, backend, '--check'], { timeout: 120_000 });
      const { threads } = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { threads: number };
      return threads === 1 ? null : `it runs on ${threads} threads, not 1`;
    } catch (err) {
      const e = err as { stderr?: string; message?: string };
      return `TensorFlow.js (${backend}) cannot run here: ${e.stderr?.trim() || e.message}`;
    }
  };
  return {
    name,
    unavailable: () => (checked ??= check()),
    async about() {
      const kernels =
        backend === 'cpu'
          ? `tfjs-backend-cpu ${version('tfjs-backend-cpu')} (kernels in plain JavaScript)`
          : `tfjs-backend-wasm ${version('tfjs-backend-wasm')} (XNNPACK, tfjs-backend-wasm-simd.wasm; ` +
            'the Node build has no threads)';
      return `TensorFlow.js ${version('tfjs-core')}, tfjs-layers ${version('tfjs-layers')}, ${kernels}, 1 thread; ${HOW}`;
    },
    async run(configs: readonly BenchConfig[], mode: RunMode) {
      const out: PeerRun = { results: [], skipped: [] };
      for (const c of configs) {
        const missing = tfjsMissing(c.shape);
        if (missing !== null) {
          out.skipped.push({ backend: name, id: c.id, reason: missing });
          continue;
        }
        const part = await runChild(
          { peer: name, command: process.execPath, args: [CHILD, backend], threads: 1 },
          [c],
          mode,
        );
        out.results.push(...part.results);
        out.skipped.push(...part.skipped);
      }
      return out;
    },
  };
}
