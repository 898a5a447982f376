/**
 * tf.layers' Conv2D, except that a training step does not compute the input gradient of a convolution whose
 * input no variable depends on (a net's first convolution, on the images).
 *
 * In training, tf.layers runs a convolution without bias or activation (every conv of a batch-norm block) as
 * tf.fused.conv2d, whose gradient is one custom function that always computes both the filter and the input
 * gradient; for the first convolution the tape throws the input gradient away (on a Jigsaw step: a 5×5
 * Conv2DBackpropInput over 576 tiles of 15×15×96 for nothing; PyTorch skips it). tf.conv2d's gradient has one
 * function per input, and the tape calls only those it needs. With no bias and a linear activation both run the
 * same forward and gradient kernels, so every result is the same bits; inference, and convolutions with a bias
 * or an activation, run tf.layers' own code.
 *
 * Registered under tf.layers' class name, like ./batch-normalization.ts.
 */
import * as tf from '@tensorflow/tfjs';

type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];

/** The parts of tfjs-layers' Conv2D this subclass reads (private or protected in its typings). */
interface Conv2DInternals {
  rank: number;
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
  strides: [number, number];
  padding: string;
  dataFormat: string;
  dilationRate: [number, number];
}

type Conv2DClass = new (args: Conv2DArgs) => tf.layers.Layer;

// tfjs-layers exports the factory, not the class.
const TfConv2D = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as Conv2DClass;

export class Conv2D extends TfConv2D {
  static readonly className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as Conv2DInternals;
    // tf.fused.conv2d fuses (one custom gradient) exactly when recording gradients with a linear activation.
    const recording = tf.engine().state.gradientDepth > 0;
    if (recording && self.rank === 2 && self.bias == null && self.activation.getClassName() === 'linear' && self.dataFormat === 'channelsLast') {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.tidy(() => tf.conv2d(x as tf.Tensor4D, self.kernel.read() as tf.Tensor4D, self.strides, self.padding === 'same' ? 'same' : 'valid', 'NHWC', self.dilationRate));
    }
    return super.call(inputs, kwargs);
  }
}
tf.serialization.registerClass(Conv2D as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/** A 2-D convolution layer (tf.layers.conv2d's arguments). */
export function conv2d(args: Conv2DArgs): Conv2D {
  return new Conv2D(args);
}
