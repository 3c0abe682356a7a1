/**
 * `lstm/serve`: the inference server as a library (Node only), for embedding it or starting it
 * from code; `lstm serve` is its command line.
 */
export { QueueFull, RequestFailed } from './model-host.js';
export type { ModelSummary, Route } from './protocol.js';
export { DEFAULT_LIMITS, LstmServer, type ServeLimits, type ServeOptions } from './server.js';
