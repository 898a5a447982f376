/**
 * tf.layers' BatchNormalization with its training step on one fused kernel where the backend has one
 * (`batchNormTraining` of @ktlab/tf-backend: ktlab-wasm with oneDNN), instead of tf.moments + FusedBatchNorm
 * differentiated op by op (about thirty full-size passes per layer and step). Everything else is tf.layers' own:
 * config, weights, inference, the moving averages (updated with the same ops from the batch's mean and biased
 * variance), and the training step itself wherever the fused kernel does not apply (other backends, no oneDNN,
 * a normalised axis other than the last), so results there are the same bits as before.
 *
 * Registered under tf.layers' class name, so saved models stay plain tfjs models and models loaded in this
 * process (checkpoints, trunks) train on the fused kernel too.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, batchNormTrainingApplies } from '@ktlab/tf-backend/batch-norm';

type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

/** The parts of tfjs-layers' BatchNormalization this subclass reads (private in its typings). */
interface BatchNormalizationInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type BatchNormalizationClass = new (args?: BatchNormArgs) => tf.layers.Layer;

// tfjs-layers exports the factory, not the class.
const TfBatchNormalization = tf.layers.batchNormalization({}).constructor as BatchNormalizationClass;

export class BatchNormalization extends TfBatchNormalization {
  static readonly className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (kwargs['training'] === true) {
      const fused = this.fusedTrainingStep(Array.isArray(inputs) ? inputs[0]! : inputs);
      if (fused) return fused;
    }
    return super.call(inputs, kwargs);
  }

  /** The training step on the fused kernel, or undefined where it does not apply. */
  private fusedTrainingStep(input: tf.Tensor): tf.Tensor | undefined {
    const self = this as unknown as BatchNormalizationInternals;
    const axis = self.axis >= 0 ? self.axis : self.axis + input.rank;
    if (axis !== input.rank - 1 || !self.gamma || !self.beta) return undefined;
    // LayerVariable.read() hands out the variable itself: nothing to dispose.
    const [gamma, beta] = [self.gamma.read(), self.beta.read()];
    if (!batchNormTrainingApplies(input, gamma, beta)) return undefined;
    return tf.tidy(() => {
      const result = batchNormTraining(input, gamma, beta, self.epsilon)!;
      // tf.layers' moving averages, op for op: moving ← moving − (moving − batch) · (1 − momentum).
      for (const [variable, value] of [
        [self.movingMean, result.mean],
        [self.movingVariance, result.variance],
      ] as const) {
        tf.tidy(() => {
          const original = variable.read();
          variable.write(tf.sub(original, tf.mul(tf.sub(original, value), 1 - self.momentum)));
        });
      }
      return result.y;
    });
  }
}
tf.serialization.registerClass(BatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/** A batch-norm layer (tf.layers.batchNormalization's arguments). */
export function batchNormalization(args: BatchNormArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}
