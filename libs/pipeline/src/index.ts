export { runPipeline, plannedStages, STAGE_ORDER } from './run-pipeline';
export { PipelineAbortedError, throwIfAborted, type EvalResult, type PipelineContext, type StageKind, type StageStatus } from './context';
export { linearProbe, type ProbeData } from './eval/linear-probe';
export { knnAccuracy } from './eval/knn';
export { epochOrder } from './training/balanced-order';
export { openDataset } from './datasets';
