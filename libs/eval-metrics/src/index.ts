export { boxIoU, type Box } from './box.js';
export {
  averagePrecision,
  COCO_IOU_THRESHOLDS,
  detectionMap,
  type ClassAveragePrecision,
  type Detection,
  type DetectionImage,
  type DetectionMap,
  type DetectionMapOptions,
  type GroundTruthObject,
} from './detection-map.js';
export { ConfusionMatrix, meanIoU, segmentationScores, type LabelMap, type SegmentationScores } from './segmentation-iou.js';
