/**
 * The PyTorch peer: bench/pytorch/suite.py in a child Python process per thread count (1, and every
 * core when there is more than one), speaking the protocol of child.ts: it builds nn.LSTM models
 * from the configurations' shapes and times them as bench/harness.ts does.
 *
 * The interpreter: $LSTM_BENCH_PYTHON, else the first of python3, /usr/bin/python3 that imports torch.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../configs.js';
import type { RunMode } from '../report.js';
import { runChild } from './child.js';
import type { Peer, PeerRun } from './index.js';

/** From dist/bench/peers/ to the source tree's bench/pytorch/. */
const SCRIPT = fileURLToPath(new URL('../../../bench/pytorch/suite.py', import.meta.url));
const NAME = 'pytorch';

interface About {
  torch: string;
  python: string;
  executable: string;
  libraries: string[];
}

let found: { python: string } | { why: string } | undefined;

/** The first interpreter that imports torch, or why none does. Checked once. */
export function findTorchPython(): { python: string } | { why: string } {
  if (found !== undefined) return found;
  const candidates = [...new Set([process.env.LSTM_BENCH_PYTHON, 'python3', '/usr/bin/python3'])];
  const tried: string[] = [];
  for (const python of candidates) {
    if (python === undefined || python === '') continue;
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return (found = { python });
    const why = r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
    tried.push(`${python}: ${why}`);
  }
  return (found = { why: `no Python with torch (${tried.join('; ')}); set LSTM_BENCH_PYTHON` });
}

/** 1 thread, and every core where there is more than one. */
function threadCounts(): number[] {
  return [...new Set([1, availableParallelism()])];
}

export function pytorchPeer(): Peer {
  return {
    name: NAME,
    async unavailable() {
      const p = findTorchPython();
      return 'why' in p ? p.why : null;
    },
    async about() {
      const p = findTorchPython();
      if ('why' in p) return p.why;
      const r = spawnSync(p.python, [SCRIPT, '--about'], { encoding: 'utf8', timeout: 60_000 });
      const a = JSON.parse(r.stdout) as About;
      const blas = a.libraries.filter((path) => /blas|mkl/i.test(path));
      return (
        `PyTorch ${a.torch} (Python ${a.python}, ${a.executable}; BLAS ${blas.join(', ') || 'built in'}), ` +
        `rows on ${threadCounts().join(' and ')} threads (torch.set_num_threads, OMP_WAIT_POLICY=PASSIVE); ` +
        'nn.Embedding, nn.LSTM, nn.Linear, torch.optim.Adam, zero_grad(set_to_none=True); C3 and C4 under ' +
        'torch.inference_mode, C3 sampling by torch.multinomial; GEMM torch.mm into a preallocated C'
      );
    },
    async run(configs: readonly BenchConfig[], mode: RunMode) {
      const p = findTorchPython();
      const out: PeerRun = { results: [], skipped: [] };
      if ('why' in p) return { results: [], skipped: [{ backend: NAME, id: '*', reason: p.why }] };
      for (const threads of threadCounts()) {
        // OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning between ops
        const env = {
          ...process.env,
          OMP_NUM_THREADS: `${threads}`,
          MKL_NUM_THREADS: `${threads}`,
          OMP_WAIT_POLICY: 'PASSIVE',
        };
        const cmd = { peer: NAME, command: p.python, args: [SCRIPT], env, threads };
        const part = await runChild(cmd, configs, mode);
        out.results.push(...part.results);
        out.skipped.push(...part.skipped);
      }
      return out;
    },
  };
}
