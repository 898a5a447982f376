import * as tf from '@tensorflow/tfjs';

/**
 * Max-pools NHWC activations to a fixed [gh, gw] grid whatever their spatial size, with PyTorch's adaptive
 * binning: bin i of n covers rows floor(i·H/n) … ceil((i+1)·H/n) − 1, so bins tile the input exactly when H is
 * a multiple of n, overlap by a row otherwise, and repeat rows when n > H.
 */
export function adaptiveMaxPool(x: tf.Tensor4D, grid: readonly [number, number]): tf.Tensor4D {
  const [gh, gw] = grid;
  if (!Number.isInteger(gh) || !Number.isInteger(gw) || gh < 1 || gw < 1) throw new Error(`adaptiveMaxPool: grid must be two positive integers, got [${grid}]`);
  const [, h, w] = x.shape;
  return tf.tidy(() => {
    if (h % gh === 0 && w % gw === 0) {
      const window: [number, number] = [h / gh, w / gw];
      return tf.maxPool(x, window, window, 'valid');
    }
    // The max over a rectangle is the max over its rows of the max over its columns: pool one axis at a time.
    return poolAxis(poolAxis(x, 1, gh), 2, gw);
  });
}

function poolAxis(x: tf.Tensor4D, axis: 1 | 2, bins: number): tf.Tensor4D {
  const size = x.shape[axis];
  const pieces: tf.Tensor4D[] = [];
  for (let i = 0; i < bins; i++) {
    const start = Math.floor((i * size) / bins);
    const end = Math.ceil(((i + 1) * size) / bins);
    const begin: [number, number, number, number] = [0, 0, 0, 0];
    const extent: [number, number, number, number] = [-1, -1, -1, -1];
    begin[axis] = start;
    extent[axis] = end - start;
    pieces.push(tf.max(tf.slice(x, begin, extent), axis, true));
  }
  return tf.concat(pieces, axis);
}
