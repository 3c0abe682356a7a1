/**
 * The package's entry in Node (package.json "exports" condition "node"): the same API as
 * index.ts, with kernel worker threads enabled (worker_threads), so the WebAssembly backend uses
 * every core by default.
 */
import './node/threads.js';
import './node/native-addon.js'; // the optional native kernels, when npm ci built them

export * from './index.js';
