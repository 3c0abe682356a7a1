/**
 * Peers: other libraries running the suite's configurations in their own way (their own models,
 * built from each configuration's shape), reported as the same Result rows as this library's
 * backends, so the table can give every figure as a ratio to them.
 */
import type { BenchConfig } from '../configs.js';
import type { Result, RunMode, Skipped } from '../report.js';
import { onnxruntimePeer } from './onnxruntime.js';
import { openblasPeer } from './openblas.js';
import { pytorchPeer } from './pytorch.js';
import { tfjsPeer } from './tfjs.js';

export interface Peer {
  /** 'tfjs-cpu', 'pytorch' … */
  name: string;
  /** Why it cannot run on this machine, or null when it can. */
  unavailable(): Promise<string | null>;
  /** How it runs the configurations: the API, the threads, the versions (once available). */
  about(): Promise<string>;
  /** Run the configurations; rows carry `backend: name` and the threads they ran on. */
  run(configs: readonly BenchConfig[], mode: RunMode): Promise<PeerRun>;
}

export interface PeerRun {
  results: Result[];
  /** Configurations it could not run (an error, a missing kernel, too slow for --quick). */
  skipped: Skipped[];
}

export const PEERS: readonly Peer[] = [
  tfjsPeer('cpu'),
  tfjsPeer('wasm'),
  pytorchPeer(0),
  pytorchPeer(1),
  onnxruntimePeer(),
  openblasPeer(),
];
