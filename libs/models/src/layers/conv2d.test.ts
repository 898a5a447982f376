import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { KTLAB_WASM_BACKEND, withConvEngine } from '@ktlab/tf-backend';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { oneDnnLayerTests } from '../testing/onednn-layers.js';
import { Conv2D, conv2d } from './conv2d.js';

const loaded = oneDnnLayerTests();

type ConvFactory = (args: Parameters<typeof tf.layers.conv2d>[0]) => tf.layers.Layer;

/** image → conv (3→8, 3×3 same) → conv (8→6, 3×3 stride 2 valid, `second` options) → flatten → dense 4, fixed weights. */
function net(make: ConvFactory, second: { useBias?: boolean; activation?: 'relu' } = {}) {
  const input = tf.input({ shape: [9, 9, 3] });
  let x = make({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = make({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, ...second }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor });
  model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.3, 'float32', 90 + i)));
  return model;
}

/** The loss and every weight's gradient of one step (as bits), and how often each kernel ran. */
async function step(model: tf.LayersModel) {
  const x = tf.randomNormal([5, 9, 9, 3], 0, 1, 'float32', 11);
  let values: Float32Array[] = [];
  const profile = await tf.profile(() => {
    values = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar);
      return [value, ...model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!)].map((t) => t.dataSync() as Float32Array);
    });
  });
  x.dispose();
  const calls = (name: string) => profile.kernels.filter((k) => k.name === name).length;
  return { values, inputGradients: calls('Conv2DBackpropInput'), fusedForward: calls('FusedConv2D') };
}

const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('Conv2D', () => {
  it("trains with tf.layers' results bit for bit, without the first convolution's input gradient (cpu, ktlab-wasm, ktlab-wasm on oneDNN)", async () => {
    const backends: [string, (body: () => Promise<void>) => Promise<void>][] = [
      ['cpu', (body) => tf.setBackend('cpu').then(body)],
      ['ktlab-wasm', (body) => tf.setBackend(KTLAB_WASM_BACKEND).then(body)],
    ];
    if (loaded.native.dnn) backends.push(['ktlab-wasm on oneDNN', (body) => tf.setBackend(KTLAB_WASM_BACKEND).then(() => withConvEngine('onednn', { dnn: loaded.native.dnn }, body))]);
    for (const [name, on] of backends) {
      await on(async () => {
        const [ours, theirs] = [net(conv2d), net((args) => tf.layers.conv2d(args))];
        const [a, b] = [await step(ours), await step(theirs)];
        expect(a.values.length, name).toBe(5);
        a.values.forEach((values, i) => expect(sameBits(values, b.values[i]!), `${name}: output ${i}`).toBe(true));
        expect(b.inputGradients, name).toBe(2);
        expect(a.inputGradients, name).toBe(1);
        expect(a.fusedForward, name).toBe(0);
        ours.dispose();
        theirs.dispose();
      });
    }
    await tf.setBackend('cpu');
  });

  it("runs tf.layers' fused convolution where there is a bias or an activation, and in inference", async () => {
    await tf.setBackend('cpu');
    for (const second of [{ useBias: true }, { activation: 'relu' as const }]) {
      const [ours, theirs] = [net(conv2d, second), net((args) => tf.layers.conv2d(args), second)];
      const [a, b] = [await step(ours), await step(theirs)];
      a.values.forEach((values, i) => expect(sameBits(values, b.values[i]!)).toBe(true));
      expect(a.inputGradients).toBe(1);
      // A bias without activation fuses in training; a ReLU does not (tf.fused.conv2d's own rule).
      expect(a.fusedForward).toBe(second.useBias ? 1 : 0);
      ours.dispose();
      theirs.dispose();
    }
    const model = net(conv2d);
    const profile = await tf.profile(() => tf.tidy(() => model.predict(tf.zeros([2, 9, 9, 3]))));
    expect(profile.kernels.filter((k) => k.name === 'FusedConv2D')).toHaveLength(2);
    tf.dispose(profile.result as tf.Tensor);
    model.dispose();
  });

  it("is what the conv blocks build, saves as tf.layers' Conv2D and loads back as this class", async () => {
    await tf.setBackend('cpu');
    const model = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    const convs = model.layers.filter((layer) => layer.getClassName() === 'Conv2D');
    expect(convs).toHaveLength(5);
    for (const layer of convs) expect(layer).toBeInstanceOf(Conv2D);
    const json = JSON.stringify(model.toJSON(null, false));
    const loaded = await tf.models.modelFromJSON(JSON.parse(json) as never);
    const reloaded = loaded.layers.filter((layer) => layer.getClassName() === 'Conv2D');
    expect(reloaded).toHaveLength(5);
    for (const layer of reloaded) expect(layer).toBeInstanceOf(Conv2D);
    model.dispose();
    loaded.dispose();
  });
});
