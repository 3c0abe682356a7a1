/**
 * The onnxruntime peer, for the inference configurations (C3 generation, C4 forward):
 * onnxruntime-node (a devDependency installed without its install script; its CPU library is
 * inside the package) running ONNX models of the same shapes, whose recurrent layers are ONNX's
 * LSTM operator. The models are exported by PyTorch (bench/pytorch/export_onnx.py, python3-torch)
 * into .bench/onnx/, then timed in a child Node process per thread count (1, and every core),
 * onnxruntime-child.ts speaking child.ts's protocol.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from '../configs.js';
import type { RunMode, Skipped } from '../report.js';
import { runChild } from './child.js';
import type { Peer, PeerRun } from './index.js';
import { torchPythons } from './pytorch.js';

const NAME = 'onnxruntime';
const CHILD = fileURLToPath(new URL('./onnxruntime-child.js', import.meta.url));
const EXPORT = fileURLToPath(new URL('../../../bench/pytorch/export_onnx.py', import.meta.url));
const MODELS = fileURLToPath(new URL('../../../.bench/onnx/', import.meta.url));
const KINDS = new Set(['lm-generate', 'lstm-infer']);

function ortVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

function threadCounts(): number[] {
  return [...new Set([1, availableParallelism()])];
}

/** Export the models; the configurations that have one, and a skip for each that failed. */
function exportModels(python: string, configs: readonly BenchConfig[]): { ready: BenchConfig[]; skipped: Skipped[] } {
  const job = { dir: MODELS, configs: configs.map((c) => ({ id: c.id, shape: c.shape })) };
  const r = spawnSync(python, [EXPORT], { input: JSON.stringify(job), encoding: 'utf8', timeout: 600_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; path?: string; error?: string });
  const ready = configs.filter((c) => lines.some((l) => l.id === c.id && l.path !== undefined));
  const skipped = configs
    .filter((c) => !ready.includes(c))
    .map((c) => {
      const why = lines.find((l) => l.id === c.id)?.error ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
      return { backend: NAME, id: c.id, reason: `the ONNX export failed: ${why}` };
    });
  return { ready, skipped };
}

export function onnxruntimePeer(): Peer {
  return {
    name: NAME,
    async unavailable() {
      if (ortVersion() === undefined)
        return 'onnxruntime-node is not installed (npm ci installs it as a devDependency)';
      const { pythons, why } = torchPythons();
      return pythons.length === 0 ? `its models are exported by PyTorch: ${why}` : null;
    },
    async about() {
      return (
        `onnxruntime-node ${ortVersion() ?? '?'} (its bundled CPU library), C3 and C4 only: models from ` +
        'torch.onnx.export (opset 14; Gather, one LSTM operator per layer, Gemm), ' +
        `InferenceSession with intraOpNumThreads ${threadCounts().join(' and ')}, sequential execution, ` +
        'all graph optimisations; C3 calls session.run per token with h and c fed back, sampling in JavaScript'
      );
    },
    async run(configs: readonly BenchConfig[], mode: RunMode) {
      const { pythons, why } = torchPythons();
      if (pythons.length === 0) return { results: [], skipped: [{ backend: NAME, id: '*', reason: why }] };
      const wanted = configs.filter((c) => KINDS.has(c.shape.kind));
      if (wanted.length === 0) return { results: [], skipped: [] };
      // the first PyTorch whose exporter works (2.x's needs the onnx package; 1.13's nothing more)
      let exported = exportModels((pythons[0] as { python: string }).python, wanted);
      for (const p of pythons.slice(1)) {
        if (exported.ready.length === wanted.length) break;
        const again = exportModels(p.python, wanted);
        if (again.ready.length > exported.ready.length) exported = again;
      }
      const { ready, skipped } = exported;
      const out: PeerRun = { results: [], skipped };
      for (const threads of threadCounts()) {
        if (ready.length === 0) break;
        const cmd = { peer: NAME, command: process.execPath, args: [CHILD, MODELS], threads };
        const part = await runChild(cmd, ready, mode);
        out.results.push(...part.results);
        out.skipped.push(...part.skipped);
      }
      return out;
    },
  };
}
