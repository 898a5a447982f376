export { runPipeline, plannedStages, STAGE_ORDER } from './run-pipeline';
export { PipelineAbortedError, throwIfAborted, type EvalResult, type PipelineContext, type PipelineShardKind, type ShardQueue, type StageKind, type StageStatus } from './context';
export { linearProbe, type ProbeData } from './eval/linear-probe';
export { knnAccuracy } from './eval/knn';
export { epochOrder } from './training/balanced-order';
export { pretextNetFor, pretextTileSize, targetClassifierFor } from './nets';
export { openDataset, openUncached as openDatasetUncached } from './datasets';
export {
  assignShardInput,
  concatAssignments,
  datasetMismatch,
  decodeAssignment,
  encodeAssignment,
  featureShardInput,
  planAssignShards,
  planFeatureShards,
  shardFileName,
  type Assignment,
  type AssignShardInput,
  type FeatureShardInput,
  type FeatureShardRef,
} from './sharding/shard-plan';
export { featureRows, imageRange } from './sharding/feature-rows';
export { decodeNetwork, encodeNetwork } from './sharding/network-bytes';
export { evalResultsCsv, listRunDownloads, renameModelWeights, writeRunDownloads, type DownloadKind, type RunDownload } from './io/run-downloads';
