/**
 * Training-mode batch normalisation as one kernel with its own gradient kernel, for backends that have them
 * (ktlab-wasm with oneDNN: kernels/onednn-batch-norm.ts).
 *
 * tf.layers' BatchNormalization computes a training step's statistics with tf.moments and normalises with
 * FusedBatchNorm, and tfjs differentiates that composition op by op: on a [128, 32, 32, 96] activation about
 * thirty full-size passes (Multiply, Sum, RealDiv, Mean, Cast, …) per layer and step. Here the forward pass is
 * one kernel (y, the batch mean and the biased variance) and the backward pass one more (dx through the
 * statistics, d scale, d offset), as PyTorch runs it. libs/models' BatchNormalization layer calls
 * `batchNormTraining` and keeps tf.layers' own computation wherever it answers undefined.
 */
import * as tf from '@tensorflow/tfjs';
import { oneDnnForBatchNorm } from '../kernels/native-gemm-engine.js';

/** Inputs x [..., c], scale [c], offset [c]; attrs { varianceEpsilon }; outputs y, mean [c], variance [c]. */
export const BATCH_NORM_TRAINING = 'KtlabBatchNormTraining';
/** Inputs x, scale, mean, variance, dy; attrs { varianceEpsilon }; outputs dx, d scale, d offset. */
export const BATCH_NORM_TRAINING_GRAD = 'KtlabBatchNormTrainingGrad';

export interface BatchNormTrainingResult {
  y: tf.Tensor;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

const isChannelVector = (t: tf.Tensor, channels: number) => t.dtype === 'float32' && t.rank === 1 && t.shape[0] === channels;

/**
 * Whether `batchNormTraining` runs for these tensors: the active backend has the kernel and oneDNN is loaded
 * (not switched off), x is float32 of rank 2-4 and not empty, scale and offset float32 vectors of its channels.
 */
export function batchNormTrainingApplies(x: tf.Tensor, scale: tf.Tensor | null | undefined, offset: tf.Tensor | null | undefined): boolean {
  if (!scale || !offset || x.dtype !== 'float32' || x.rank < 2 || x.rank > 4 || x.size === 0) return false;
  const channels = x.shape[x.rank - 1]!;
  if (!isChannelVector(scale, channels) || !isChannelVector(offset, channels)) return false;
  return oneDnnForBatchNorm() !== undefined && tf.getKernel(BATCH_NORM_TRAINING, tf.getBackend()) !== undefined;
}

/**
 * Normalises x over every axis but the last with the batch's own statistics, y = (x − mean) / √(variance + ε) ·
 * scale + offset, as one kernel that the tape differentiates with one gradient kernel; undefined where it does
 * not apply (`batchNormTrainingApplies`), so the caller keeps its own computation.
 */
export function batchNormTraining(x: tf.Tensor, scale: tf.Tensor | null | undefined, offset: tf.Tensor | null | undefined, epsilon: number): BatchNormTrainingResult | undefined {
  if (!batchNormTrainingApplies(x, scale, offset)) return undefined;
  const attrs = { varianceEpsilon: epsilon };
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x, scale: scale!, offset: offset! }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { y: y!, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** True when every element of a small vector is 0 (a statistic no loss depends on: the tape hands it zeros). */
function allZero(t: tf.Tensor): boolean {
  return (t.dataSync() as Float32Array).every((v) => v === 0);
}

/**
 * The tape's gradient of BATCH_NORM_TRAINING: the gradient kernel for dy. A loss that also depends on the
 * returned mean or variance (the layer only feeds them to its moving averages, which no loss reads) adds
 * d mean / n + d variance · 2 (x − mean) / n to dx, with tf ops.
 */
export const batchNormTrainingGradConfig: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, scale, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    // Computed here rather than in the closures below: backprop runs each closure in its own tidy, which would
    // dispose the other two outputs of the one kernel call.
    const [dxFromY, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { x, scale, mean, variance, dy: dy! }, attrs) as tf.Tensor[];
    const statisticsUsed = !allZero(dMean!) || !allZero(dVariance!);
    return {
      x: () => {
        if (!statisticsUsed) return dxFromY!;
        const n = x.size / x.shape[x.rank - 1]!;
        return tf.tidy(() => dxFromY!.add(dMean!.div(n)).add(x.sub(mean).mul(dVariance!.mul(2 / n))));
      },
      scale: () => dScale!,
      offset: () => dOffset!,
    };
  },
};
