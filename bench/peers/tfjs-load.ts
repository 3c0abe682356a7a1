/**
 * Loads TensorFlow.js in Node the way its union package (@tensorflow/tfjs) composes it: tfjs-core,
 * its gradients and chained tensor methods, the cpu and wasm backends, and tfjs-layers. This repo
 * has the parts as devDependencies, not the union package, and the parts' Node entry points lack
 * the gradients and the chained methods (the union package's bundle adds them), so they are
 * imported here from tfjs-core's ES-module files, with a resolve hook for their extensionless
 * imports. tfjs-core keeps its engine, kernel and gradient registries and its Tensor class on
 * globalThis, so both copies of its code share one engine.
 */
import { register } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';
import type * as Wasm from '@tensorflow/tfjs-backend-wasm';

export interface Tfjs {
  tf: typeof Core;
  tfl: typeof Layers;
  wasm: typeof Wasm;
}

let loading: Promise<Tfjs> | undefined;

/** TensorFlow.js, loaded once. Throws (with the module's message) when a part is missing. */
export function loadTfjs(): Promise<Tfjs> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Tfjs> {
  // the Node (CommonJS) entry first: its engine and Tensor class become the global ones
  const tf = await import('@tensorflow/tfjs-core');
  register('./tfjs-resolve-hook.js', import.meta.url);
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');
  await import('@tensorflow/tfjs-backend-cpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const tfl = await import('@tensorflow/tfjs-layers');
  // production mode: no debug checks, and no console notes (the table goes to standard output)
  tf.enableProdMode();
  return { tf, tfl, wasm };
}

/**
 * Switch to backend 'cpu' or 'wasm' and say how many threads it computes on. The Node build of
 * tfjs-backend-wasm loads tfjs-backend-wasm-simd.wasm from its package folder and never uses
 * threads in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there): 1 thread; checked, not assumed.
 */
export async function useBackend(t: Tfjs, name: 'cpu' | 'wasm'): Promise<number> {
  if (!(await t.tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await t.tf.ready();
  if (t.tf.getBackend() !== name) throw new Error(`the active backend is ${t.tf.getBackend()}, not ${name}`);
  if (name === 'cpu') return 1;
  const simd = await t.tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  if (simd !== true) throw new Error('WebAssembly SIMD is unavailable: tfjs-backend-wasm would run its scalar build');
  return t.wasm.getThreadsCount();
}
