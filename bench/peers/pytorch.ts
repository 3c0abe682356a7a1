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

interface About {
  torch: string;
  python: string;
  executable: string;
  libraries: string[];
}

interface TorchPython {
  python: string;
  /** torch.__version__ and sys.executable: two names for one interpreter are one entry. */
  torch: string;
  executable: string;
}

let found: { pythons: TorchPython[]; why: string } | undefined;

/**
 * Every interpreter that imports torch, in the order $LSTM_BENCH_PYTHON, python3 (PATH),
 * /usr/bin/python3, and why the others do not. Checked once.
 */
export function torchPythons(): { pythons: TorchPython[]; why: string } {
  if (found !== undefined) return found;
  const candidates = [...new Set([process.env.LSTM_BENCH_PYTHON, 'python3', '/usr/bin/python3'])];
  const pythons: TorchPython[] = [];
  const tried: string[] = [];
  for (const python of candidates) {
    if (python === undefined || python === '') continue;
    const probe = 'import sys, torch; print(torch.__version__); print(sys.executable)';
    const r = spawnSync(python, ['-c', probe], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) {
      const [torch = '?', executable = python] = r.stdout.trim().split('\n');
      if (!pythons.some((p) => p.executable === executable)) pythons.push({ python, torch, executable });
      continue;
    }
    tried.push(`${python}: ${r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`);
  }
  return (found = { pythons, why: `no Python with torch (${tried.join('; ')}); set LSTM_BENCH_PYTHON` });
}

/** The n-th interpreter with torch (0: the first found, 1: the next, a different one), or why not. */
function nthTorchPython(n: number): { python: string } | { why: string } {
  const { pythons, why } = torchPythons();
  const p = pythons[n];
  if (p !== undefined) return p;
  return n === 0 ? { why } : { why: 'no second Python with a different torch here' };
}

/** The first interpreter that imports torch, or why none does. */
export function findTorchPython(): { python: string } | { why: string } {
  return nthTorchPython(0);
}

/** 1 thread, and every core where there is more than one. */
function threadCounts(): number[] {
  return [...new Set([1, availableParallelism()])];
}

/**
 * `pytorch` runs the first interpreter with torch; `pytorch-system` a second, different one when
 * there is one, normally the system's /usr/bin/python3 (here: pip's PyTorch 2.13 on python3, and
 * Debian's python3-torch 1.13 on /usr/bin/python3).
 */
export function pytorchPeer(which: 0 | 1 = 0): Peer {
  const NAME = which === 0 ? 'pytorch' : 'pytorch-system';
  const findTorchPython = (): { python: string } | { why: string } => nthTorchPython(which);
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
        'nn.Embedding, nn.LSTM (C6 nn.GRU), nn.Linear, torch.optim.Adam, zero_grad(set_to_none=True); ' +
        'C7 pack_padded_sequence through a bidirectional nn.LSTM, max over pad_packed_sequence; C3 and C4 under ' +
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
