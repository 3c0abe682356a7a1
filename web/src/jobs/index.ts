/** Every job a worker can run, by name (each module's names start with its view's id). */
import type { Job } from '../rpc.ts';
import { CLASSIFY_JOBS } from './classify.ts';
import { FORECAST_JOBS } from './forecast.ts';
import { LANGUAGE_MODEL_JOBS } from './language-model.ts';
import { LONG_LAG_JOBS } from './long-lag.ts';
import { SPEECH_JOBS } from './speech.ts';
import { TRANSLATE_JOBS } from './translate.ts';

export const JOBS: Record<string, Job> = {
  ...LANGUAGE_MODEL_JOBS,
  ...LONG_LAG_JOBS,
  ...FORECAST_JOBS,
  ...CLASSIFY_JOBS,
  ...TRANSLATE_JOBS,
  ...SPEECH_JOBS,
};
