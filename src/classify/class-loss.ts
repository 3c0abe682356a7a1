/**
 * The classification loss's pieces, where they now live: label checks in src/data/labels.ts,
 * class weights in src/loss/class-weights.ts, the masked class-weighted cross-entropy in
 * src/loss/weighted-cross-entropy.ts, the softmax in src/loss/softmax.ts.
 * TODO(issue 16): kept for the training loops under rewrite; remove once they import from loss/.
 */
export { checkClassCounts, checkLabels, classCounts } from '../data/labels.js';
export { type ClassWeights, resolveClassWeights } from '../loss/class-weights.js';
export { softmaxInto } from '../loss/softmax.js';
export { type WeightedLoss, weightedCrossEntropy } from '../loss/weighted-cross-entropy.js';
