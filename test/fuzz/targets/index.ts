/** Every family's runner, by name: the plan built into an input and fed to the code under test. */
import type { FuzzCase, Outcome } from '../outcome.js';
import type { CsvPlan, ModelFileKind, ModelFilePlan, OnnxPlan, OptionsPlan, TfjsPlan } from '../plans.js';
import { runCsv } from './csv.js';
import { runModelFile } from './model-files.js';
import { runOnnx } from './onnx.js';
import { runOptions } from './options.js';
import { runTfjs } from './tfjs.js';

export async function runTarget(c: FuzzCase): Promise<Outcome> {
  if (c.family.endsWith('-file'))
    return runModelFile(c.family.slice(0, -'-file'.length) as ModelFileKind, c.plan as ModelFilePlan);
  switch (c.family) {
    case 'onnx':
      return runOnnx(c.plan as OnnxPlan);
    case 'tfjs':
      return runTfjs(c.plan as TfjsPlan);
    case 'csv':
      return runCsv(c.plan as CsvPlan);
    case 'options':
      return runOptions(c.plan as OptionsPlan);
  }
  throw new Error(`fuzz: no family '${c.family}'`);
}
