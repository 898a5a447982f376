/** The convolution shapes every ktlab convolution engine is tested on against the cpu backend. */
import * as tf from '@tensorflow/tfjs';

export const TOLERANCE = 1e-5;

export type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

export interface ConvolutionCase {
  batch: number;
  height: number;
  width: number;
  ci: number;
  co: number;
  filter: [number, number];
  stride: number;
  pad: Pad;
}

export function padName(pad: Pad): string {
  return typeof pad === 'string' ? pad : `explicit ${pad[1].join(',')}/${pad[2].join(',')}`;
}

export function outSize(size: number, filter: number, stride: number, pad: Pad, axis: 1 | 2): number {
  if (pad === 'same') return Math.ceil(size / stride);
  if (pad === 'valid') return Math.ceil((size - filter + 1) / stride);
  return Math.floor((size + pad[axis][0] + pad[axis][1] - filter) / stride) + 1;
}

/**
 * Cases over the odd shapes of the brief: batch 1 and 3, ci ∈ {1, 3, 5, 16}, co ∈ {1, 7, 8, 9, 24}, filters
 * 1×1, 3×3, 5×5, 2×3, strides 1 and 2, same / valid / explicit padding, images 1×1 … 13×11. Each value of
 * each axis is cycled with a different period, so every value meets many values of the other axes.
 */
export function convolutionCases(): ConvolutionCase[] {
  const batches = [1, 3];
  const cis = [1, 3, 5, 16];
  const cos = [1, 7, 8, 9, 24];
  const filters: [number, number][] = [
    [1, 1],
    [3, 3],
    [5, 5],
    [2, 3],
  ];
  const strides = [1, 2];
  const sizes: [number, number][] = [
    [1, 1],
    [13, 11],
    [5, 7],
    [8, 8],
    [6, 9],
    [2, 3],
    [11, 13],
  ];
  const out: ConvolutionCase[] = [];
  for (let i = 0; out.length < 36; i++) {
    const filter = filters[i % 4];
    const [height, width] = sizes[i % 7];
    const padKind = i % 3;
    const pad: Pad =
      padKind === 0 ? 'same' : padKind === 1 ? 'valid' : [[0, 0], [(i >> 1) % filter[0], i % 2], [i % filter[1], (i >> 2) % 3], [0, 0]];
    const c: ConvolutionCase = { batch: batches[(i >> 1) % 2], height, width, ci: cis[i % 4 === 0 ? (i >> 2) % 4 : (i + 1) % 4], co: cos[i % 5], filter, stride: strides[(i >> 2) % 2], pad };
    if (outSize(height, filter[0], c.stride, pad, 1) < 1 || outSize(width, filter[1], c.stride, pad, 2) < 1) continue;
    out.push(c);
  }
  // Explicit extremes: a 1×1 image under a 5×5 'same' window, many pixel tails, the AlexNet shapes' channels.
  out.push({ batch: 3, height: 1, width: 1, ci: 16, co: 24, filter: [5, 5], stride: 1, pad: 'same' });
  out.push({ batch: 1, height: 3, width: 5, ci: 5, co: 9, filter: [2, 3], stride: 2, pad: 'valid' });
  out.push({ batch: 3, height: 8, width: 8, ci: 24, co: 64, filter: [5, 5], stride: 1, pad: 'same' });
  return out;
}

/** Conv2D, FusedConv2D (bias + ReLU), Conv2DBackpropInput and Conv2DBackpropFilter of one case. */
export function allConvolutions(c: ConvolutionCase) {
  const filterShape: [number, number, number, number] = [c.filter[0], c.filter[1], c.ci, c.co];
  const outShape = [c.batch, outSize(c.height, c.filter[0], c.stride, c.pad, 1), outSize(c.width, c.filter[1], c.stride, c.pad, 2), c.co];
  const specs = [
    { shape: [c.batch, c.height, c.width, c.ci], seed: 11 },
    { shape: filterShape, seed: 12 },
    { shape: outShape, seed: 13 },
    { shape: [c.co], seed: 14 },
  ];
  const strides: [number, number] = [c.stride, c.stride];
  const compute = ([x, filter, dy, bias]: tf.Tensor[]) => [
    tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, c.pad),
    tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides, pad: c.pad, bias, activation: 'relu' }),
    tf.conv2dTranspose(dy as tf.Tensor4D, filter as tf.Tensor4D, [c.batch, c.height, c.width, c.ci], strides, c.pad),
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor,
  ];
  return { specs, compute };
}

