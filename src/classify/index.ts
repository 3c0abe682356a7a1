/** Sequence classification and labelling (issue 7): vocabularies, models, losses, metrics, baselines, model files. */
export { BagOfWordsClassifier, type BagOfWordsOptions, majorityClass } from './baselines.js';
export { words } from '../data/words.js';
export { type DocumentedSplit, documentedSplit, evaluationBatches, lengthBatches } from '../data/batches.js';
export { checkClassCounts, checkLabels, classCounts } from '../data/labels.js';
export { type ClassWeights, resolveClassWeights } from '../loss/class-weights.js';
export { type WeightedLoss, weightedCrossEntropy } from '../loss/weighted-cross-entropy.js';
export { type LabelledTexts, labelTexts } from '../data/labelled-texts.js';
export {
  type ClassificationReport,
  type ClassScores,
  classificationReport,
  confusionMatrix,
} from '../loss/classification-metrics.js';
export { decodeClassifier, decodeTagger, encodeClassifier, encodeTagger } from '../io/sequence-model-file.js';
export { checkPooling, type Pooling, POOLINGS, TimePooling } from '../nn/pooling.js';
export { type InputConfig, type SequenceModelConfig, type SequenceModelOptions } from '../models/sequence-config.js';
export {
  type LabelledSequences,
  SequenceClassifier,
  type SequenceClassifierConfig,
  type SequenceClassifierOptions,
} from '../models/sequence-classifier.js';
export { type EncodedSequence, type SequenceInput } from '../data/sequence-input.js';
export { type SequenceTaggerOptions, SequenceTagger, type TaggedSequences } from '../models/sequence-tagger.js';
export {
  TOKEN_KINDS,
  type TokenKind,
  TokenVocab,
  type TokenVocabJson,
  type TokenVocabOptions,
} from '../data/token-vocab.js';
export { type EpochRecord, type FitHistory, type SequenceFitOptions } from '../models/sequence-training.js';
