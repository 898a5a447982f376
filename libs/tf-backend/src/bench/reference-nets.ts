/**
 * The two nets the training benchmark and the per-op profile run, identical to tools/bench/peers/train.py:
 *
 * - AlexNet-style classifier on 32×32×3: conv5×5·64, maxpool, conv5×5·128, maxpool, conv3×3·256,
 *   conv3×3·256, maxpool, fc512, fc10 (ReLU after every conv and fc but the last; 'same' padding;
 *   2×2/2 max pools).
 * - Jigsaw siamese net: 9 tiles of 27×27×3 per puzzle through one shared trunk (the same conv stack, then a
 *   per-tile fc512), the 9 tile features concatenated (4608), fc1024, fc over 100 permutations.
 *
 * Both are built from tf.layers and trained by `trainingStep`: softmax cross-entropy, plain SGD.
 */
import * as tf from '@tensorflow/tfjs';

export const ALEXNET_INPUT = [32, 32, 3] as const;
export const ALEXNET_CLASSES = 10;
export const JIGSAW_TILES = 9;
export const JIGSAW_TILE = [27, 27, 3] as const;
export const JIGSAW_PERMUTATIONS = 100;

function convStack(inputShape: readonly [number, number, number]): tf.layers.Layer[] {
  const conv = (filters: number, kernelSize: number, first = false) =>
    tf.layers.conv2d({
      filters,
      kernelSize,
      padding: 'same',
      activation: 'relu',
      ...(first ? { inputShape: [...inputShape] } : {}),
    });
  const pool = () => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 });
  return [conv(64, 5, true), pool(), conv(128, 5), pool(), conv(256, 3), conv(256, 3), pool(), tf.layers.flatten()];
}

/** A net and how it maps one batch of inputs to logits. */
export interface ReferenceNet {
  name: 'alexnet' | 'jigsaw';
  /** Trainable weights. */
  variables: tf.Variable[];
  logits(input: tf.Tensor): tf.Tensor2D;
  /** Images per batch (puzzles for Jigsaw) → input shape. */
  inputShape(batch: number): number[];
  classes: number;
  dispose(): void;
}

export function buildAlexNetStyleNet(): ReferenceNet {
  const model = tf.sequential({
    layers: [...convStack(ALEXNET_INPUT), tf.layers.dense({ units: 512, activation: 'relu' }), tf.layers.dense({ units: ALEXNET_CLASSES })],
  });
  return {
    name: 'alexnet',
    variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
    logits: (input) => model.apply(input, { training: true }) as tf.Tensor2D,
    inputShape: (batch) => [batch, ...ALEXNET_INPUT],
    classes: ALEXNET_CLASSES,
    dispose: () => model.dispose(),
  };
}

export function buildJigsawSiameseNet(): ReferenceNet {
  const trunk = tf.sequential({ layers: [...convStack(JIGSAW_TILE), tf.layers.dense({ units: 512, activation: 'relu' })] });
  const head = tf.sequential({
    layers: [
      tf.layers.dense({ units: 1024, activation: 'relu', inputShape: [JIGSAW_TILES * 512] }),
      tf.layers.dense({ units: JIGSAW_PERMUTATIONS }),
    ],
  });
  return {
    name: 'jigsaw',
    variables: [...trunk.trainableWeights, ...head.trainableWeights].map((w) => w.read() as tf.Variable),
    // Tiles of a puzzle sit next to each other, so the shared trunk runs once over all tiles of the batch.
    logits: (input) => {
      const puzzles = input.shape[0];
      const tiles = input.reshape([puzzles * JIGSAW_TILES, ...JIGSAW_TILE]);
      const features = (trunk.apply(tiles, { training: true }) as tf.Tensor).reshape([puzzles, JIGSAW_TILES * 512]);
      return head.apply(features, { training: true }) as tf.Tensor2D;
    },
    inputShape: (batch) => [batch, JIGSAW_TILES, ...JIGSAW_TILE],
    classes: JIGSAW_PERMUTATIONS,
    dispose: () => {
      trunk.dispose();
      head.dispose();
    },
  };
}

/** One forward + backward + SGD update; resolves with the loss once the update has run. */
export async function trainingStep(net: ReferenceNet, optimizer: tf.Optimizer, input: tf.Tensor, labels: tf.Tensor1D): Promise<number> {
  const loss = optimizer.minimize(
    () => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, net.classes), net.logits(input)) as tf.Scalar,
    true,
    net.variables,
  );
  if (!loss) throw new Error('optimizer.minimize returned no loss');
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}

/** A deterministic random batch for `net`. */
export function syntheticBatch(net: ReferenceNet, batch: number, seed = 7): { input: tf.Tensor; labels: tf.Tensor1D } {
  return tf.tidy(() => ({
    input: tf.randomUniform(net.inputShape(batch), 0, 1, 'float32', seed),
    labels: tf.randomUniform([batch], 0, net.classes, 'int32', seed + 1) as tf.Tensor1D,
  }));
}
