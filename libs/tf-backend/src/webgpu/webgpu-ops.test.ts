/**
 * Every op the pipeline's nets use, forward and gradient, on the webgpu backend against the cpu backend from the
 * same inputs (on CI: Mesa lavapipe, a Vulkan driver on the CPU). Errors are max |Δ| / max |expected| per output.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import type { Computation, InputSpec } from '../testing/compare-with-cpu.js';
import { describeWebGpu, errorsAgainstCpuAsync, webGpuForTests, WEBGPU_BACKEND } from '../testing/webgpu-for-tests.js';

const TOLERANCE = 1e-4;
const gpu = await webGpuForTests();

/** Forward output first, then the gradients of Σ(output · dy) w.r.t. each of the first `wrt` inputs. */
function withGradients(forward: (...xs: tf.Tensor[]) => tf.Tensor, wrt: number): Computation {
  return (inputs) => {
    const args = inputs.slice(0, wrt);
    const rest = inputs.slice(wrt, -1);
    const dy = inputs[inputs.length - 1];
    const f = (...xs: tf.Tensor[]) => forward(...xs, ...rest);
    const y = f(...args);
    const grads = tf.grads(f)(args, dy);
    return [y, ...grads];
  };
}

async function expectClose(name: string, specs: InputSpec[], compute: Computation, tolerance = TOLERANCE): Promise<void> {
  const errors = await errorsAgainstCpuAsync(WEBGPU_BACKEND, specs, compute);
  console.log(`[webgpu] ${name}: max relative error per output ${errors.map((e) => e.toExponential(1)).join(', ')}`);
  for (const error of errors) expect(error).toBeLessThan(tolerance);
}

const spec = (shape: number[], seed: number): InputSpec => ({ shape, seed });

describeWebGpu('webgpu kernels against cpu', gpu, (runtime) => {
  it('runs on the adapter it registered', async () => {
    await tf.setBackend(WEBGPU_BACKEND);
    expect(tf.getBackend()).toBe('webgpu');
    expect(runtime.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    await tf.setBackend('cpu');
  });

  for (const [strides, pad] of [[1, 'same'], [2, 'same'], [1, 'valid'], [2, 'valid']] as const) {
    it(`conv2d ${strides === 1 ? 'stride 1' : 'stride 2'} ${pad}: output, dx, dW`, async () => {
      const x = [3, 13, 13, 5];
      const w = [3, 3, 5, 7];
      const out = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], w as [number, number, number, number], strides, 1, pad).outShape;
      await expectClose(
        `conv2d s${strides} ${pad}`,
        [spec(x, 1), spec(w, 2), spec(out, 3)],
        withGradients((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), 2),
      );
    });
  }

  it('conv2d 5×5 on RGB (conv1), stride 1 same', async () => {
    await expectClose(
      'conv2d 5x5 rgb',
      [spec([4, 16, 16, 3], 4), spec([5, 5, 3, 8], 5), spec([4, 16, 16, 8], 6)],
      withGradients((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), 2),
    );
  });

  for (const strides of [1, 2] as const) {
    it(`fused conv2d + bias + relu, stride ${strides}: output, dx, dW, dbias`, async () => {
      const out = strides === 1 ? [2, 11, 11, 6] : [2, 6, 6, 6];
      await expectClose(
        `fused conv relu s${strides}`,
        [spec([2, 11, 11, 4], 7), spec([3, 3, 4, 6], 8), spec([6], 9), spec(out, 10)],
        withGradients(
          (x, filter, bias) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias, strides, pad: 'same', activation: 'relu' }),
          3,
        ),
      );
    });
  }

  it('batch norm in training mode (batch moments): output, dx, dgamma, dbeta', async () => {
    await expectClose(
      'batch norm (training)',
      [spec([4, 6, 6, 10], 11), spec([10], 12), spec([10], 13), spec([4, 6, 6, 10], 14)],
      withGradients((x, gamma, beta) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5);
      }, 3),
    );
  });

  it('batch norm layer in training mode, as tf.layers runs it, with its moving statistics', async () => {
    const compute: Computation = ([x, dy]) => {
      const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
      const f = (input: tf.Tensor) => layer.apply(input, { training: true }) as tf.Tensor;
      const y = f(x);
      const [dx] = tf.grads(f)([x], dy);
      const [, , movingMean, movingVariance] = layer.getWeights();
      const outputs = [y, dx, movingMean.clone(), movingVariance.clone()];
      layer.dispose();
      return outputs;
    };
    await expectClose('batch norm layer', [spec([4, 5, 5, 6], 15), spec([4, 5, 5, 6], 16)], compute);
  });

  for (const pad of ['same', 'valid'] as const) {
    it(`max pool 3×3 stride 2 ${pad}: output, dx`, async () => {
      const out = pad === 'same' ? [3, 7, 7, 6] : [3, 6, 6, 6];
      await expectClose(`max pool 3x3/2 ${pad}`, [spec([3, 13, 13, 6], 17), spec(out, 18)], withGradients((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, pad), 1));
    });
  }

  it('dense (matMul + bias + relu): output, dx, dW, dbias', async () => {
    await expectClose(
      'dense relu',
      [spec([9, 37], 19), spec([37, 21], 20), spec([21], 21), spec([9, 21], 22)],
      withGradients((x, w, b) => tf.relu(tf.add(tf.matMul(x, w), b)), 3),
    );
  });

  it('matMul with transposes (the dense gradients’ products)', async () => {
    await expectClose(
      'matMul transposes',
      [spec([23, 9], 23), spec([17, 23], 24)],
      ([a, b]) => [tf.matMul(a, b, true, true), tf.matMul(b, a, false, false), tf.matMul(a, a, true, false), tf.matMul(b, b, false, true)],
    );
  });

  it('dropout with a seed: the same mask as cpu, output and dx', async () => {
    await expectClose('dropout', [spec([8, 50], 25), spec([8, 50], 26)], withGradients((x) => tf.dropout(x, 0.5, undefined, 7), 1));
  });

  it('softmax cross-entropy (the training loss): loss and dlogits', async () => {
    const labels = [0, 3, 9, 2, 2, 7, 1, 5].map((label) => Array.from({ length: 10 }, (_, i) => (i === label ? 1 : 0)));
    await expectClose('softmax cross-entropy', [spec([8, 10], 27), spec([], 28)], (inputs) => {
      const [logits, dy] = inputs;
      const onehot = tf.tensor2d(labels);
      const f = (l: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, l);
      return [f(logits), tf.softmax(logits), ...tf.grads(f)([logits], dy)];
    });
  });

  it('flatten / reshape, relu, concat and the elementwise ops of the SGD update', async () => {
    await expectClose('elementwise', [spec([2, 3, 3, 4], 29), spec([2, 36], 30)], ([x, v]) => {
      const flat = tf.reshape(tf.relu(x), [2, 36]);
      const velocity = tf.add(tf.mul(v, 0.9), flat);
      return [flat, tf.sub(v, tf.mul(velocity, 0.01)), tf.concat([flat, v], 1), tf.mean(flat, 0), tf.sum(tf.square(v))];
    });
  });
});
