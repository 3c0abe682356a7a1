import './threads.js'; // kernel worker threads: WasmKernels uses every core
export { CORPORA, type Corpus, loadCorpus } from './corpora.js';
export { loadModel, readTextFile, saveModel, writeFileAtomic } from './files.js';
