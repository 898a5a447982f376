/**
 * The knowledge-transfer pipeline's stages in execution order (Noroozi et al. 2018, Fig. 2). Kept here, in
 * the dependency-free config lib, so the pipeline (which runs them) and the API (which validates reports
 * about them) share one list without the API importing TensorFlow.js.
 */
export const PIPELINE_STAGES = ['pretext', 'features', 'kmeans', 'pseudo-labels', 'cluster-classification', 'eval'] as const;
export type PipelineStageKind = (typeof PIPELINE_STAGES)[number];

/** What a worker may report: a pipeline stage, or `train` for single-stage jobs such as the worker check. */
export const WORKER_STAGE_KINDS = [...PIPELINE_STAGES, 'train'] as const;
export type WorkerStageKind = (typeof WORKER_STAGE_KINDS)[number];
