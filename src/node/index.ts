import './threads.js'; // kernel worker threads: WasmKernels uses every core
import './native-addon.js'; // the optional native kernels, when npm ci built them
import './memory-limit.js'; // the memory budget's default: half of the machine's memory, or LSTM_MAX_MEMORY
export { nodeMemoryLimit } from './memory-limit.js';
export { loadClassifier, loadTagger, saveClassifier, saveTagger } from './classify-files.js';
export { loadSeq2Seq, loadSeq2SeqCheckpoint, saveSeq2Seq, saveSeq2SeqCheckpoint } from './seq2seq-files.js';
export { readWavFile } from './wav-files.js';
export {
  listSpeechFolder,
  loadSpeechRecognizer,
  readSpeechFiles,
  readSpeechFolder,
  saveSpeechRecognizer,
  type SpeechFolder,
  type SpeechFolderOptions,
} from './speech-files.js';
export { CORPORA, type Corpus, loadCorpus } from './corpora.js';
export {
  loadCheckpoint,
  loadModel,
  loadOnnxModelFile,
  loadTfjsLayersModelFile,
  loadTorchRecurrentFile,
  readBinaryFile,
  readTextFile,
  saveModel,
  saveTorchStateDict,
  writeFileAtomic,
} from './files.js';
export { encodePng, writeAlignmentChart, writeAttentionMap, writeChartPng, writeChartSvg } from './png.js';
export { parseCsv, readCsvFile } from './csv.js';
export { loadForecaster, loadGlobalForecaster, saveForecaster, saveGlobalForecaster } from './forecast-files.js';
export { loadCmuDict, loadSpamAssassin, type SpamAssassinMessage, vegaDatasetPath } from './datasets.js';
export {
  checkInputsKept,
  checkOutputFolder,
  checkOutputPath,
  checkOutputPaths,
  removeStaleTemporaries,
  temporaryPathFor,
} from './output-paths.js';
