/**
 * The package's entry in Node (package.json "exports" condition "node"): the same API as
 * index.ts, with kernel worker threads enabled (worker_threads), so the WebAssembly backend uses
 * every core by default.
 */
import './node/threads.js';

export * from './index.js';
