/** The long-time-lag experiments (issue 6): training runs per cell type, gradient flow, reports. */
export {
  type CellGradientFlow,
  EXPERIMENT_PRESETS,
  type ExperimentOptions,
  type ExperimentRecipe,
  type ExperimentResult,
  type RecipeOverrides,
  resolveRecipe,
  runExperiment,
} from './experiment.js';
export { type GradientFlow, gradientFlow, tableDistances } from './gradient-flow.js';
export { compactCount, gradientFlowChart, gradientFlowTable, learningCurveChart, resultsTable } from './report.js';
export { type TaskLoss, taskLoss } from '../loss/task-loss.js';
export { TaskModel, type TaskModelOptions } from '../models/task-model.js';
export {
  type CurvePoint,
  evaluateTask,
  heldOutSet,
  meetsCriterion,
  trainOnTask,
  type TrainTaskOptions,
  type TrainTaskResult,
} from './train-task.js';
