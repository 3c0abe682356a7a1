/** Sequence classification and labelling (issue 7): metrics and baselines. */
export { BagOfWordsClassifier, type BagOfWordsOptions, majorityClass, words } from './baselines.js';
export { type ClassificationReport, type ClassScores, classificationReport, confusionMatrix } from './metrics.js';
