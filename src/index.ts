export { splitText, TextStream, type Window } from './data/text-stream.js';
export { UNKNOWN_TOKEN, Vocab } from './data/vocab.js';
export * from './errors.js';
export { cutText, listNames, quoteCell } from './data/cell-text.js';
export { type DecimalProblem, type DecimalReading, explainDecimalProblem, readDecimal } from './data/decimal.js';
export {
  decodeModel,
  decodeModelFile,
  type EncodeOptions,
  encodeModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFileContents,
} from './io/model-file.js';
export { modelFileType, modelFileVersion } from './io/model-container.js';
export { crc32, decodeSafetensors, encodeSafetensors, type TensorRecord } from './io/safetensors.js';
export { type Framework, GATE_ORDER, gatePermutation, reorderGates, swapPeepholeOrder } from './io/gate-order.js';
export {
  buildTorchRecurrent,
  decodeTorchStateDict,
  encodeTorchStateDict,
  exportTorchStateDict,
  loadTorchRecurrent,
  recurrentOptionsFromTorch,
  type StateDict,
  type TorchRecurrent,
  type TorchRecurrentArgs,
  torchStateDictSpecs,
} from './io/pytorch-recurrent.js';
export { type LayerPlan, type ModelPlan, planTfjsLayersModel } from './io/tfjs-layers.js';
export { runTorchRecurrent, type TorchRunInput, type TorchRunResult, type TorchRunUpstream } from './io/pytorch-run.js';
export {
  type BackendOptions,
  type BackendReport,
  type DType,
  defaultKernels,
  describeBackend,
  type Floats,
  type Kernels,
  RefKernels,
  defaultThreadCount,
  setWorkerSpawner,
  WasmKernels,
  type WasmKernelsOptions,
  type WorkerSpawner,
  wasmUnavailableReason,
  useBackend,
} from './kernels/index.js';
export { softmaxCrossEntropy } from './loss/cross-entropy.js';
export {
  type Evaluation,
  type GenerateOptions,
  type Generation,
  LanguageModel,
  type LanguageModelOptions,
  type ModelConfig,
} from './models/language-model.js';
export {
  findTrackingUnits,
  inspectLanguageModel,
  type LanguageModelTrace,
  patternMask,
  type TrackingUnit,
} from './models/inspect-language-model.js';
export { LMNetwork, type NetworkShape } from './models/lm-network.js';
export { SequentialModel } from './models/sequential.js';
export { type G2PSplit, type G2PWord, g2pWords, splitG2P } from './data/g2p.js';
export {
  type Bleu,
  corpusBleu,
  editDistance,
  type SequenceErrorRates,
  sequenceErrorRates,
} from './loss/sequence-metrics.js';
export { type Audio, decodeWav } from './io/wav.js';
export { ctcLoss, type CtcOptions, type CtcReduction, type CtcResult } from './loss/ctc.js';
export {
  ctcBeamSearch,
  type CtcBeamOptions,
  ctcGreedy,
  type CtcHypothesis,
  type CtcLanguageModel,
} from './models/ctc-decode.js';
export {
  computeFeatures,
  type FeatureConfig,
  type FeatureOptions,
  type Features,
  featureWidth,
  resolveFeatureConfig,
  type SpecAugmentOptions,
  specAugment,
} from './audio/features.js';
export type { Utterances } from './data/utterances.js';
export type { SpeechConfig, SpeechModelOptions } from './models/speech-config.js';
export {
  type DecodeOptions,
  defaultSpecAugment,
  type FrameScores,
  type SpeechAlignment,
  type SpeechFitOptions,
  SpeechRecognizer,
  type SpeechRecognizerOptions,
  type SpeechReport,
  type TimedCharacter,
  type Transcript,
} from './models/speech-recognizer.js';
export { decodeSpeechRecognizer, encodeSpeechRecognizer } from './io/speech-model-file.js';
export {
  BOS_TOKEN,
  EOS_TOKEN,
  Seq2Seq,
  type Seq2SeqCheckpoint,
  type Seq2SeqConfig,
  type Seq2SeqFitOptions,
  type Seq2SeqPair,
  type TranslateOptions,
  type Translation,
} from './models/seq2seq.js';
export { decodeSeq2Seq, decodeSeq2SeqFile, encodeSeq2Seq } from './io/seq2seq-model-file.js';
export type {
  EpochRecord,
  FitHistory,
  SequenceCheckpoint,
  SequenceRecipe,
  SequenceTrainingState,
} from './models/sequence-training.js';
export {
  ACTIVATION_NAMES,
  type Activation,
  type ActivationName,
  type ActivationSpec,
  activation,
} from './nn/activations.js';
export { type CellKind, type CellOptions } from './nn/cell-config.js';
export { Embedding } from './nn/embedding.js';
export { initNormal, initOrthogonal, initUniform, initXavierUniform } from './nn/init.js';
export { Linear } from './nn/linear.js';
export { type LSTMCache, type LSTMGrads, type LSTMWeights, lstmBackward, lstmForward } from './nn/cells/lstm-fused.js';
export { inspectRecurrent, type LayerTrace, traceLayers } from './nn/inspect.js';
export { mostActiveUnits } from './nn/trace-activity.js';
export {
  bytesPerValue,
  checkMemory,
  formatBytes,
  type MemoryLimit,
  memoryLimit,
  type MemoryPart,
  parseMemorySize,
  setDefaultMemoryLimit,
  setMemoryLimit,
} from './nn/memory-budget.js';
export { ParamArena, type ParamEntry, type ParamSpec } from './nn/params.js';
export { type BatchShape, trainingStepValues } from './nn/workspace-estimate.js';
export {
  Recurrent,
  type RecurrentInit,
  type RecurrentInputGrads,
  type RecurrentOptions,
  type RecurrentOutput,
  type RecurrentState,
} from './nn/recurrent.js';
export { type ReadOut, RecurrentHead } from './nn/recurrent-head.js';
export { swapLeadingAxes } from './nn/sequence-order.js';
export { clipGradNorm } from './optim/clip.js';
export { createOptimizer, type Optimizer, type OptimizerConfig, type OptimizerName } from './optim/optimizers.js';
export { learningRateAt, parseSchedule, type Schedule } from './optim/schedule.js';
export * from './classify/index.js';
export { TokenTagBaseline } from './classify/tag-baseline.js';
export * from './experiments/index.js';
export * from './forecast/index.js';
export * from './plot/index.js';
export { Rng, type RngState } from './rng.js';
export {
  addingTask,
  addingTask1997,
  copyingTask,
  embeddedReberTask,
  longLagTask,
  makeTask,
  noisyLongLagTask,
  type Task,
  type TaskBatch,
  TASK_NAMES,
  type TaskTarget,
  temporalOrderTask,
} from './tasks/index.js';
export { type FitOptions, type FitResult, fit, type Progress } from './models/fit-language-model.js';
export { GenerationBatch, type StreamOptions, type StreamStep } from './models/generation-batch.js';
export {
  type EvaluationEvent,
  type LoopOptions,
  type LoopResult,
  runTraining,
  runTrainingAsync,
  type StopReason,
  type TrainingTask,
  type UpdateEvent,
} from './train/loop.js';
export {
  hashText,
  type TrainingCheckpoint,
  type TrainingRecipe,
  type TrainingState,
  type TrainingTensors,
} from './train/state.js';
export {
  checkTrainingMemory,
  type TrainingWorkspace,
  type UpdateRecipe,
  type UpdateResult,
  Updater,
  type UpdateTask,
} from './train/update.js';
