/**
 * The character language model's jobs (in the worker): build a model for a text, train it until
 * paused (fit's AbortSignal; the training state is kept, so resuming continues exactly where it
 * stopped), sample from it at any time (also between updates while it trains), save every
 * checkpoint to IndexedDB, export and import model files in the CLI's format, and trace what its
 * units do over a text (for the inside view).
 */
import {
  decodeModelFile,
  encodeModel,
  findTrackingUnits,
  fit,
  inspectLanguageModel,
  LanguageModel,
  type Progress,
  type TrainingCheckpoint,
} from 'lstm';
import { forgetSession, loadSession, type LossPoint, saveSession } from '../lm-store.ts';
import type { Job, JobContext } from '../rpc.ts';
import { builtInText } from '../texts.ts';

interface Session {
  model: LanguageModel;
  text: string;
  textName: string;
  /** The user's own text (kept in IndexedDB with the model); null for a built-in one. */
  ownText: string | null;
  training: TrainingCheckpoint | undefined;
  curve: LossPoint[];
}

let session: Session | null = null;
let running: AbortController | null = null;

export interface CreateInput {
  /** A built-in text's id, or null with `text` given. */
  builtIn: string | null;
  text: string | null;
  textName: string;
  cell: 'lstm' | 'gru' | 'rnn';
  hiddenSize: number;
  numLayers: number;
  embeddingSize: number;
  seed: number;
}

export interface TrainInput {
  seqLength: number;
  batchSize: number;
  learningRate: number;
  /** Stop when this many updates have been done in all (resumed ones included). */
  maxSteps: number;
  /** Validate, checkpoint and save every N updates. */
  evalEvery: number;
  /** Send a sample every N updates (0: none). */
  sampleEvery: number;
  sample: SampleInput;
}

export interface SampleInput {
  prime: string;
  temperature: number;
  length: number;
  seed?: number;
}

/** What the page shows about the model. */
export interface ModelInfo {
  textName: string;
  textLength: number;
  vocabSize: number;
  parameters: number;
  config: LanguageModel['config'];
  step: number;
  curve: LossPoint[];
}

function current(): Session {
  if (session === null) throw new Error('there is no model yet: choose a text and press Start.');
  return session;
}

function info(s: Session): ModelInfo {
  return {
    textName: s.textName,
    textLength: s.text.length,
    vocabSize: s.model.vocab.size,
    parameters: s.model.parameterCount,
    config: s.model.config,
    step: s.training?.state.step ?? 0,
    curve: s.curve,
  };
}

async function persist(s: Session): Promise<void> {
  if (s.training === undefined) return;
  await saveSession({
    checkpoint: encodeModel(s.model, { training: s.training }),
    textName: s.textName,
    text: s.ownText,
    step: s.training.state.step,
    curve: s.curve,
    savedAt: Date.now(),
  });
}

const create = async (input: CreateInput): Promise<ModelInfo> => {
  if (running !== null) throw new Error('training is running: pause or stop it first.');
  const text = input.builtIn === null ? (input.text ?? '') : await builtInText(input.builtIn).load();
  if (text.length < 100)
    throw new Error(`the text has ${text.length} characters; give at least 100 for a model to learn from.`);
  const model = LanguageModel.create({
    text,
    cell: input.cell,
    hiddenSize: input.hiddenSize,
    numLayers: input.numLayers,
    embeddingSize: input.embeddingSize,
    seed: input.seed,
  });
  session = {
    model,
    text,
    textName: input.textName,
    ownText: input.builtIn === null ? text : null,
    training: undefined,
    curve: [],
  };
  return info(session);
};

const train = async (input: TrainInput, ctx: JobContext): Promise<{ stoppedBy: string; info: ModelInfo }> => {
  const s = current();
  if (running !== null) throw new Error('training is already running.');
  running = new AbortController();
  let lastSample = s.training?.state.step ?? 0;
  try {
    const result = await fit(s.model, s.text, {
      seqLength: input.seqLength,
      batchSize: input.batchSize,
      learningRate: input.learningRate,
      validationFraction: 0.02,
      evalEvery: input.evalEvery,
      evalChars: 4000,
      maxSteps: input.maxSteps,
      resume: s.training,
      corpusName: s.textName,
      signal: running.signal,
      onProgress: (p: Progress) => {
        ctx.emit('lm-progress', {
          step: p.step,
          totalSteps: p.totalSteps,
          loss: p.loss,
          bitsPerChar: p.loss / Math.LN2,
          charsPerSecond: p.charsPerSecond,
          elapsedSeconds: p.elapsedSeconds,
          validationBitsPerChar: p.validation?.bitsPerChar ?? null,
        });
        if (p.kind === 'step' && Number.isFinite(p.loss))
          s.curve.push({ step: p.step, train: p.loss / Math.LN2, validation: null });
        if (input.sampleEvery > 0 && p.step - lastSample >= input.sampleEvery) {
          lastSample = p.step;
          ctx.emit('lm-sample', { step: p.step, ...s.model.generate({ ...input.sample }) });
        }
      },
      onCheckpoint: async (_model, training) => {
        s.training = training;
        const last = training.state.history[training.state.history.length - 1];
        if (last?.validationNats !== undefined)
          s.curve.push({
            step: last.step,
            train: last.trainLoss / Math.LN2,
            validation: last.validationNats / Math.LN2,
          });
        await persist(s);
        ctx.emit('lm-checkpoint', { step: training.state.step });
      },
    });
    s.training = result.training;
    await persist(s);
    return { stoppedBy: result.stoppedBy, info: info(s) };
  } finally {
    running = null;
  }
};

export const LANGUAGE_MODEL_JOBS: Record<string, Job> = {
  'lm-create': create as Job,
  'lm-train': train as Job,
  /** Pause: training stops after the current update; 'lm-train' resumes from where it stopped. */
  'lm-pause': () => {
    running?.abort();
    return null;
  },
  'lm-info': () => (session === null ? null : info(session)),
  'lm-sample': ((input: SampleInput) => current().model.generate({ ...input })) as Job,
  /** The model file with its training state: `lstm generate --model` reads it, `lstm train --resume` continues it. */
  'lm-export': () => {
    const s = current();
    return encodeModel(s.model, s.training === undefined ? {} : { training: s.training });
  },
  'lm-import': (async (input: { bytes: Uint8Array; name: string; text: string | null }) => {
    if (running !== null) throw new Error('training is running: pause or stop it first.');
    const { model, training } = decodeModelFile(input.bytes, undefined, input.name);
    const text = input.text ?? session?.text ?? (await builtInText('moby-dick').load());
    session = {
      model,
      text,
      textName: input.text === null ? (session?.textName ?? 'moby-dick') : input.name,
      ownText: input.text,
      training,
      curve: (training?.state.history ?? []).map((h) => ({
        step: h.step,
        train: h.trainLoss / Math.LN2,
        validation: h.validationNats === undefined ? null : h.validationNats / Math.LN2,
      })),
    };
    return info(session);
  }) as Job,
  /** The session saved in IndexedDB, if any (its step and text), without loading it. */
  'lm-saved': async () => {
    const saved = await loadSession();
    return saved === undefined ? null : { step: saved.step, textName: saved.textName, savedAt: saved.savedAt };
  },
  'lm-restore': async () => {
    const saved = await loadSession();
    if (saved === undefined) throw new Error('there is no saved session in this browser.');
    const { model, training } = decodeModelFile(saved.checkpoint, undefined, 'the saved session');
    const text = saved.text ?? (await builtInText(saved.textName).load());
    session = { model, text, textName: saved.textName, ownText: saved.text, training, curve: saved.curve };
    return info(session);
  },
  'lm-forget': async () => {
    await forgetSession();
    return null;
  },
  /** Every layer's cell state, output and gates at every character of `text` (T × H each). */
  'lm-trace': ((input: { text: string }) => inspectLanguageModel(current().model, input.text)) as Job,
  /** The units that best follow a regular expression over `text`, strongest first. */
  'lm-track': ((input: { text: string; pattern: string; flags: string }) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(input.pattern, input.flags);
    } catch (e) {
      throw new Error(`the pattern is not a regular expression: ${(e as Error).message}`);
    }
    const model = current().model;
    return findTrackingUnits(inspectLanguageModel(model, input.text), input.text, pattern, 12);
  }) as Job,
};
