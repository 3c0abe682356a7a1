// Entry of the WebAssembly kernels: everything exported here is callable from src/kernels/wasm.ts.
export { packB, gemmPacked, gemmABtRows, transpose } from './gemm';
export { lstmCellForward } from './lstm-cell';
export {
  gruGatesForward,
  gruCandidateForward,
  gruCandidateBackward,
  gruGatesBackward,
  gruStateBackward,
  rnnCellForward,
  rnnCellBackward,
} from './gru-rnn-cell';
export {
  fillRows,
  addColumnSums,
  lstmCellBackward,
  softmaxCrossEntropy,
  sumSquares,
  scale,
  addInPlace,
  adamUpdate,
  sgdUpdate,
} from './pointwise';

// The first byte past the module's static data (lookup tables of Mathf.exp …): the JavaScript
// allocator hands out memory from here on, never below.
export function heapBase(): usize {
  return __heap_base;
}
export { lstmCellOptionsForward, lstmCellOptionsBackward, multiply } from './lstm-options';
