export { fitKMeans, type KMeansOptions, type KMeansFit, type IterationMetrics } from './kmeans.js';
export { assignToModel, type Assignment, type AssignOptions } from './assign.js';
export type { KMeansModel, TrainingSummary } from './model.js';
export { saveModel, loadModel, encodeArtifact, decodeArtifact, ARTIFACT_VERSION } from './artifact.js';
export { writePseudoLabels, writePseudoLabelsCsv, readPseudoLabels, type PseudoLabels } from './pseudo-labels.js';
export {
  labelFileFormat,
  parseLabelsCsv,
  parseLabelsJsonl,
  parseLabelsNpy,
  matchLabelsToImages,
  labelCsvLine,
  csvField,
  LabelFileError,
  MAX_LABEL_FILE_CLASSES,
  type LabelEntry,
  type LabelFileContents,
  type LabelFileFormat,
  type MatchedLabels,
} from './label-file.js';
export { writeNpy, readNpy, parseNpy, encodeNpy, encodeNpyHeader, type NpyContents, type NpyDtype } from './npy.js';
export { exportClusteringNpy, type ClusteringExport } from './npy-export.js';
export { labelAgreement, type LabelAgreement } from './metrics.js';
export { clusterSizeStats, type ClusterSizeStats } from './cluster-stats.js';
export { splitEmptyClusters } from './empty-clusters.js';
export { kMeansPlusPlusInit, randomInit } from './init.js';
export { fitPreprocessing, applyPreprocessing, type Preprocessing, type PreprocessingOptions, type PcaTransform } from './preprocessing.js';
export { toRowBlocks, type RowBlocks } from './matrix.js';
export type { DistanceEngine, ClusterAccumulation } from './engine/distance-engine.js';
export { WasmDistanceEngine, type WasmEngineOptions } from './engine/wasm-engine.js';
export { loadLloydKernel, type KernelVariant } from './engine/wasm-kernel.js';
export { defaultDistanceEngine, useWebGpuForKMeans } from './engine/select-engine.js';
export { WebGpuDistanceEngine, type GpuDeviceLike, type WebGpuEngineOptions } from './engine/webgpu-engine.js';
export { WasmMatrixMultiplier } from './engine/wasm-gemm.js';
export { gaussianMixture, type GaussianMixture, type GaussianMixtureOptions } from './synthetic.js';
export { accumulateShard, reduceShards, iterationRandom, planShards, type ShardPartial, type LloydUpdate } from './lloyd-step.js';
export { encodeShardPartial, decodeShardPartial } from './shard-partial-codec.js';
export { fitKMeansSharded, type ShardedPoints, type ShardedFitOptions, type ShardedFitCheckpoint } from './sharded/sharded-fit.js';
export { accumulateShardTrainingRows, sampleShardRows, type MapStep } from './sharded/shard-steps.js';
export { InMemoryShards } from './sharded/in-memory-shards.js';
export { inRowSample, rowUniform, SAMPLE_SALT } from './sharded/row-sample.js';
