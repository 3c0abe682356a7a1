/**
 * The child process of the onnxruntime peer (onnxruntime.ts starts one per thread count):
 *
 *   node dist/bench/peers/onnxruntime-child.js MODEL_DIR     a job of child.ts on stdin, its lines out
 *
 * Each configuration loads MODEL_DIR/<id>.onnx (bench/pytorch/export_onnx.py) into an
 * InferenceSession on the job's thread count (intraOpNumThreads; one inter-op thread, sequential
 * execution) and is timed by bench/harness.ts, awaiting session.run. C3 samples each next token in
 * JavaScript as this library's C3 does (softmax of the logits, then sampleIndex), carrying h and c
 * from one call to the next; C4 is one session.run over (T, B, D).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RefKernels } from '../../src/kernels/ref.js';
import { sampleIndex } from '../../src/models/sampling.js';
import { Rng } from '../../src/rng.js';
import { measure, TooSlow, type Workload } from '../harness.js';
import type { ChildJob, ChildLine } from './child.js';

/** The part of onnxruntime-node's API used here. */
interface OrtTensor {
  data: Float32Array | BigInt64Array;
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  Tensor: new (type: string, data: Float32Array | BigInt64Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(path: string, options: object): Promise<OrtSession> };
}

const SEED = 1234;
type Config = ChildJob['configs'][number];

function workload(ort: Ort, session: OrtSession, c: Config): Workload {
  const s = c.shape;
  if (s.kind === 'lstm-infer') {
    const rng = new Rng(SEED);
    const x = Float32Array.from({ length: s.T * s.B * s.D }, () => rng.uniform(-1, 1));
    const feeds = { x: new ort.Tensor('float32', x, [s.T, s.B, s.D]) };
    return { run: () => session.run(feeds) };
  }
  if (s.kind === 'lm-generate') {
    const ref = new RefKernels('float32');
    const rng = new Rng(SEED);
    const probs = new Float32Array(s.V);
    const ids = new ort.Tensor('int64', new BigInt64Array(1), [1, 1]);
    const zeros = new ort.Tensor('float32', new Float32Array(s.L * s.H), [s.L, 1, s.H]);
    const sampling = { temperature: 1, topK: 0, topP: 1 };
    return {
      run: async () => {
        let h = zeros;
        let cState = zeros;
        (ids.data as BigInt64Array)[0] = 0n;
        for (let i = 0; i < s.N; i++) {
          const out = await session.run({ ids, h0: h, c0: cState });
          h = out.hN as OrtTensor;
          cState = out.cN as OrtTensor;
          ref.softmaxRow(s.V, (out.logits as OrtTensor).data as Float32Array, 1, probs);
          (ids.data as BigInt64Array)[0] = BigInt(sampleIndex(probs, sampling, rng, -1));
        }
      },
    };
  }
  throw new Error(`onnxruntime runs C3 and C4 only, not a ${s.kind} configuration`);
}

async function runOne(ort: Ort, dir: string, threads: number, c: Config): Promise<ChildLine> {
  let session: OrtSession | undefined;
  try {
    session = await ort.InferenceSession.create(join(dir, `${c.id}.onnx`), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const timing = await measure(workload(ort, session, c), c.budget);
    return { id: c.id, opsPerRep: timing.opsPerRep, repSeconds: timing.repSeconds };
  } catch (err) {
    if (err instanceof TooSlow) return { id: c.id, tooSlow: err.predictedSeconds, limit: err.limitSeconds };
    return { id: c.id, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await session?.release();
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: onnxruntime-child.js MODEL_DIR');
  const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const job = JSON.parse(text) as ChildJob;
  for (const c of job.configs) console.log(JSON.stringify(await runOne(ort, dir, job.threads, c)));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
