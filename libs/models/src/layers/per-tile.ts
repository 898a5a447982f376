/**
 * TimeDistributed that runs its layer once over every tile of the batch instead of once per tile.
 *
 * tfjs-layers' TimeDistributed unstacks the tile axis and calls the wrapped layer tile by tile (its RNN
 * loop), so the Jigsaw trunk ran 9 times on batches of `batch` tiles, with 9 unstack/stack copies and 9
 * times each kernel's overhead. Merging the batch and tile axes runs it once on `batch · tiles` tiles: the
 * same weights, larger (faster) GEMMs. Batch norm then normalises over all the tiles of the batch at once
 * (as a siamese net's one trunk in PyTorch does) instead of per tile position.
 *
 * It keeps TimeDistributed's config, weights and `.layer`; only the computation differs, under its own class
 * name so saved models say which one they used.
 */
import * as tf from '@tensorflow/tfjs';

type WrapperArgs = Parameters<typeof tf.layers.timeDistributed>[0];
type TimeDistributedClass = new (args: WrapperArgs) => tf.layers.Layer & { layer: tf.layers.Layer };

// tfjs-layers exports the factory, not the class.
const TimeDistributed = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }) }).constructor as TimeDistributedClass;

export class PerTile extends TimeDistributed {
  static readonly className = 'KtlabPerTile';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [batch, tiles, ...tile] = x.shape;
      const merged = x.reshape([batch! * tiles!, ...tile]);
      const result = this.layer.call(merged, kwargs);
      const y = Array.isArray(result) ? result[0]! : result;
      return y.reshape([batch!, tiles!, ...y.shape.slice(1)]);
    });
  }
}
tf.serialization.registerClass(PerTile as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/** `layer` applied to every tile of a [batch, tiles, …] input, in one pass. */
export function perTile(args: WrapperArgs): PerTile {
  return new PerTile(args);
}
