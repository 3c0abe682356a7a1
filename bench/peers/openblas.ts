/**
 * The OpenBLAS peer, for the GEMM configurations only: numpy.matmul on float32 (sgemm of the BLAS
 * numpy links: Debian's python3-numpy with libopenblas0 installed) in a child Python process per
 * thread count (1, and every core), bench/pytorch/numpy_gemm.py speaking child.ts's protocol.
 * OPENBLAS_CORETYPE is removed from the child's environment: a forced core type can select
 * OpenBLAS's AVX2 kernels on an AVX-512 machine.
 *
 * The interpreter: $LSTM_BENCH_PYTHON, else the first of python3, /usr/bin/python3 whose numpy
 * maps an OpenBLAS library.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../configs.js';
import type { RunMode } from '../report.js';
import { runChild } from './child.js';
import type { Peer, PeerRun } from './index.js';

const SCRIPT = fileURLToPath(new URL('../../../bench/pytorch/numpy_gemm.py', import.meta.url));
const NAME = 'openblas';

interface About {
  numpy: string;
  python: string;
  executable: string;
  libraries: string[];
}

let found: { python: string; about: About } | { why: string } | undefined;

function findPython(): { python: string; about: About } | { why: string } {
  if (found !== undefined) return found;
  const tried: string[] = [];
  for (const python of [...new Set([process.env.LSTM_BENCH_PYTHON, 'python3', '/usr/bin/python3'])]) {
    if (python === undefined || python === '') continue;
    const r = spawnSync(python, [SCRIPT, '--about'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) {
      tried.push(`${python}: ${r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`);
      continue;
    }
    const about = JSON.parse(r.stdout) as About;
    if (about.libraries.some((path) => /openblas/i.test(path))) return (found = { python, about });
    tried.push(`${python}: numpy ${about.numpy} uses ${about.libraries.join(', ') || 'no external BLAS'}`);
  }
  const hint = 'apt-get install python3-numpy libopenblas0';
  return (found = { why: `no numpy with OpenBLAS (${tried.join('; ')}); ${hint}` });
}

function threadCounts(): number[] {
  return [...new Set([1, availableParallelism()])];
}

export function openblasPeer(): Peer {
  return {
    name: NAME,
    async unavailable() {
      const p = findPython();
      return 'why' in p ? p.why : null;
    },
    async about() {
      const p = findPython();
      if ('why' in p) return p.why;
      const lib = p.about.libraries.find((path) => /openblas/i.test(path) && !/lapack/i.test(path)) ?? '?';
      return (
        `OpenBLAS sgemm through numpy ${p.about.numpy}.matmul (Python ${p.about.python}, ${lib}), float32, ` +
        `transposes as views (BLAS transpose flags), GEMM rows only, on ${threadCounts().join(' and ')} threads (OPENBLAS_NUM_THREADS)`
      );
    },
    async run(configs: readonly BenchConfig[], mode: RunMode) {
      const p = findPython();
      if ('why' in p) return { results: [], skipped: [{ backend: NAME, id: '*', reason: p.why }] };
      const gemms = configs.filter((c) => c.shape.kind === 'gemm');
      const out: PeerRun = { results: [], skipped: [] };
      if (gemms.length === 0) return out;
      for (const threads of threadCounts()) {
        const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: `${threads}` };
        delete env.OPENBLAS_CORETYPE;
        const part = await runChild({ peer: NAME, command: p.python, args: [SCRIPT], env, threads }, gemms, mode);
        out.results.push(...part.results);
        out.skipped.push(...part.skipped);
      }
      return out;
    },
  };
}
