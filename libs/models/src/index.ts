// Architectures: trunks (conv part), classifier heads, the two nets of the paper.
export { trunkOptionsSchema, firstConvGeometry, scaledWidth, type TrunkOptions, type TrunkOptionsInput } from './architectures/trunk-options.js';
export { convBlock, maxPool, type ConvBlockSpec } from './architectures/conv-block.js';
export { SeededInitializers, type WeightInitializer } from './architectures/seeded-initializers.js';
export { alexnetTrunk, ALEXNET_WIDTHS } from './architectures/alexnet-trunk.js';
export { vggTrunk, VGG_STAGE_WIDTHS } from './architectures/vgg-trunk.js';
export { buildTrunk, archNameSchema, buildTrunkOptionsSchema, type ArchName, type BuildTrunkOptions } from './architectures/build-trunk.js';
export {
  buildClassifier,
  classifierHeadOptionsSchema,
  fullyConnectedHead,
  PROBABILITIES_LAYER,
  type ClassifierHeadOptions,
} from './architectures/build-classifier.js';
export { alexnetSmall, type AlexnetSmallOptions } from './architectures/alexnet-small.js';
export { vggSmall, type VggSmallOptions } from './architectures/vgg-small.js';

// Dense heads for the detection and segmentation transfer tasks (issue 22).
export { tapFeatures, type TappedFeatures } from './dense/dense-head-options.js';
export {
  buildCenterNet,
  centerNetHeadOptionsSchema,
  centerNetLoss,
  centerNetPlanes,
  type CenterNet,
  type CenterNetHeadOptions,
  type CenterNetLossWeights,
} from './dense/centernet-head.js';
export {
  decodeCenterNet,
  encodeCenterNetTargets,
  gaussianRadius,
  packCenterNetTargets,
  packedTargetChannels,
  type BoxObject,
  type CenterNetGeometry,
  type CenterNetTargets,
  type DecodedBox,
  type DecodeOptions,
} from './dense/centernet-targets.js';
export { buildFcnSegmenter, fcnHeadOptionsSchema, predictLabels, segmentationLoss, type FcnHeadOptions, type FcnSegmenter } from './dense/fcn-head.js';

// The Jigsaw pretext net.
export { jigsawNet, jigsawTrunk, jigsawNetOptionsSchema, JIGSAW_LAYERS, type JigsawNet, type JigsawNetOptions } from './jigsaw/jigsaw-net.js';

// Working with layers: taps, sub-models, cost, inference folding, transfer.
export { modelsWithin, leafLayers, findLayerDeep } from './layers/nested-models.js';
export { resolveTap, tapModel } from './layers/tap-model.js';
export { convTaps } from './layers/conv-taps.js';
export { logitsModel } from './layers/logits-model.js';
export { splitAt, type SplitModel } from './layers/split-at.js';
export { foldBatchNorm } from './layers/fold-batch-norm.js';
export { BatchNormalization, batchNormalization } from './layers/batch-normalization.js';
export { Conv2D, conv2d } from './layers/conv2d.js';
export { modelCost, type ModelCost } from './layers/model-cost.js';
export { transferConvWeights, convLayerNames, type TransferredLayer } from './transfer/transfer-conv-weights.js';

// Feature extraction.
export { imagesToTensor, sliceImages, assertUint8Images, normalizationSchema, type Uint8Images, type Normalization } from './features/uint8-images.js';
export { adaptiveMaxPool } from './features/adaptive-max-pool.js';
export { adaptiveMaxPoolRows } from './features/adaptive-max-pool-rows.js';
export { poolToMaxDims } from './features/pool-to-max-dims.js';
export {
  extractFeatures,
  extractFeatureBatches,
  featureExtractor,
  type FeatureExtractor,
  type ExtractFeaturesOptions,
  type ExtractionProgress,
  type FeatureLayout,
  type FeatureMatrix,
  type ImageSource,
} from './features/extract-features.js';
export { extractFeaturesToFile } from './features/extract-features-to-file.js';
export { extractFeaturesAtTaps } from './features/extract-features-at-taps.js';
export { FeatureFileWriter, FeatureFileReader, readFeatureFile, featureMetaPath, type FeatureFileHeader } from './features/feature-file.js';

// HOG (the CC+HOG baseline).
export { hogFeatures, hogLayout, hogOptionsSchema, type HogOptions, type HogLayout, type HogFeatures } from './hog/hog-features.js';
export { hogBagOfWords } from './hog/hog-bag-of-words.js';

// Save / load / checkpoints.
export { DirectoryIOHandler, MODEL_JSON, WEIGHTS_BIN } from './io/directory-io-handler.js';
export { saveModel, loadModel } from './io/save-load-model.js';

// Training helpers.
export { SgdMomentum, sgdOptionsSchema, type SgdOptions, type SgdParameter } from './training/sgd-momentum.js';
export { cosineLr, type LrSchedule } from './training/lr-schedule.js';
export { trainStep, trainStepAsync } from './training/train-step.js';
export { lossStep, lossStepAsync } from './training/loss-step.js';
export { regressionStep, regressionStepAsync } from './training/regression-step.js';

export { parseOptions } from './parse-options.js';
