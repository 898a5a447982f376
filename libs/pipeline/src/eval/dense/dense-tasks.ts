/**
 * The two dense transfer tasks of the paper's Table 3 as the dense protocols train and score them: detection
 * (a CenterNet-style head, COCO mAP) and segmentation (an FCN-32s-style head, mean IoU over classes + background),
 * both on the transferred trunk's conv5. Heads, targets, losses and metrics come from @ktlab/models and
 * @ktlab/eval-metrics; this file joins them to scenes.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfusionMatrix, detectionMap, segmentationScores, type DetectionImage } from '@ktlab/eval-metrics';
import {
  buildCenterNet,
  buildFcnSegmenter,
  centerNetLoss,
  centerNetPlanes,
  decodeCenterNet,
  encodeCenterNetTargets,
  packCenterNetTargets,
  predictLabels,
  segmentationLoss,
  tapModel,
} from '@ktlab/models';
import { drawBoxes, overlayLabels, type Raster, type Scene } from '@ktlab/scenes';

/** The trunk layer both heads read (AlexNet conv5: 24×24 at 96×96, stride 4; VGG's last conv of stage 5: stride 16). */
export const DENSE_TAP = 'conv5';

export type DenseTaskName = 'detection' | 'segmentation';

export interface DenseNet {
  /** image → the head's output (detection: [N, H, W, K + 4]; segmentation: [N, S, S, K + 1] logits). */
  model: tf.LayersModel;
  inputSize: number;
  /** Input pixels per cell of the tap. */
  stride: number;
}

/** One test scene as the figure shows it: ground truth and prediction drawn on the scene. */
export interface DenseExample {
  truth: Raster;
  predicted: Raster;
}

/** Collects the predictions on the test scenes, batch by batch, then gives the metrics. */
export interface DenseScorer {
  add(output: tf.Tensor4D, scenes: readonly Scene[]): Promise<void>;
  /** The protocol's metrics (EVAL_PROTOCOL_INFO[task].metrics), fractions. */
  result(): Record<string, number>;
  /** The first `examples` scenes scored, drawn. */
  examples: DenseExample[];
}

export interface DenseTask {
  name: DenseTaskName;
  build(trunk: tf.LayersModel, numClasses: number, seed: number): DenseNet;
  /** A batch's training targets (the `y` the loss reads). */
  targets(scenes: readonly Scene[], net: DenseNet, numClasses: number): tf.Tensor;
  loss(output: tf.Tensor4D, targets: tf.Tensor, numClasses: number): tf.Scalar;
  scorer(net: DenseNet, numClasses: number, examples: number): DenseScorer;
}

const rasterOf = (scene: Scene): Raster => ({ width: scene.width, height: scene.height, channels: scene.channels, data: scene.pixels });

/**
 * The figure draws a scene's highest-scoring boxes, as many as it has objects, and any others at or above this
 * score (all of them count for mAP): a head early in training scores every box low, and its best guesses still
 * show what it localises.
 */
export const FIGURE_SCORE_THRESHOLD = 0.3;

/** The boxes the figure draws for a scene of `objects` objects, from detections listed by descending score. */
export function figureBoxes<D extends { score: number }>(detections: readonly D[], objects: number): D[] {
  return detections.filter((d, rank) => rank < objects || d.score >= FIGURE_SCORE_THRESHOLD);
}
/** Peaks below this heat are not decoded: they cannot change mAP noticeably and would only slow the matching. */
const DECODE_THRESHOLD = 0.01;

function conv5Channels(trunk: tf.LayersModel): number {
  const channels = tapModel(trunk, DENSE_TAP).outputs[0].shape.at(-1);
  return typeof channels === 'number' ? channels : 64;
}

export const DETECTION: DenseTask = {
  name: 'detection',
  build(trunk, numClasses, seed) {
    // The head's hidden width follows the trunk (CenterNet: 64 on DLA-34), so a narrow CPU trunk gets a narrow head.
    const net = buildCenterNet(trunk, { numClasses, tap: DENSE_TAP, headChannels: Math.min(64, conv5Channels(trunk)), seed });
    return { model: net.model, inputSize: net.inputSize, stride: net.stride };
  },
  targets(scenes, net, numClasses) {
    const geometry = { numClasses, inputSize: net.inputSize, stride: net.stride };
    const packed = packCenterNetTargets(scenes.map((scene) => encodeCenterNetTargets(scene.objects, geometry)));
    return tf.tensor4d(packed.data, packed.shape);
  },
  loss: (output, targets, numClasses) => centerNetLoss(output, targets as tf.Tensor4D, numClasses),
  scorer(net, numClasses, keep) {
    const images: DetectionImage[] = [];
    const examples: DenseExample[] = [];
    const geometry = { numClasses, inputSize: net.inputSize, stride: net.stride };
    return {
      examples,
      async add(output, scenes) {
        for (let i = 0; i < scenes.length; i++) {
          const detections = decodeCenterNet(await centerNetPlanes(output, i, numClasses), { ...geometry, scoreThreshold: DECODE_THRESHOLD, maxDetections: 100 });
          images.push({ groundTruth: scenes[i].objects, detections });
          if (examples.length < keep) {
            examples.push({
              truth: drawBoxes(rasterOf(scenes[i]), scenes[i].objects),
              // decodeCenterNet lists boxes by descending score.
              predicted: drawBoxes(rasterOf(scenes[i]), figureBoxes(detections, scenes[i].objects.length)),
            });
          }
        }
      },
      result() {
        const scores = detectionMap(images, { numClasses });
        return { map50: scores.map50, map: scores.map };
      },
    };
  },
};

export const SEGMENTATION: DenseTask = {
  name: 'segmentation',
  build(trunk, numClasses, seed) {
    const net = buildFcnSegmenter(trunk, { numLabels: numClasses + 1, tap: DENSE_TAP, seed });
    return { model: net.model, inputSize: net.inputSize, stride: net.stride };
  },
  targets(scenes) {
    const { width, height } = scenes[0];
    const labels = new Int32Array(scenes.length * width * height);
    scenes.forEach((scene, i) => labels.set(scene.classMap, i * width * height));
    return tf.tensor3d(labels, [scenes.length, height, width], 'int32');
  },
  loss: (output, targets) => segmentationLoss(output, targets as tf.Tensor3D),
  scorer(_net, numClasses, keep) {
    const matrix = new ConfusionMatrix(numClasses + 1);
    const examples: DenseExample[] = [];
    return {
      examples,
      async add(output, scenes) {
        const labels = predictLabels(output);
        const predicted = (await labels.data()) as Int32Array;
        labels.dispose();
        const pixels = scenes[0].width * scenes[0].height;
        scenes.forEach((scene, i) => {
          const map = predicted.subarray(i * pixels, (i + 1) * pixels);
          matrix.add(scene.classMap, map);
          if (examples.length < keep) examples.push({ truth: overlayLabels(rasterOf(scene), scene.classMap), predicted: overlayLabels(rasterOf(scene), map) });
        });
      },
      result: () => ({ miou: segmentationScores(matrix).meanIoU }),
    };
  },
};

export const DENSE_TASKS: Readonly<Record<DenseTaskName, DenseTask>> = { detection: DETECTION, segmentation: SEGMENTATION };
