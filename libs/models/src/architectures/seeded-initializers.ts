import * as tf from '@tensorflow/tfjs';
import { tfjsSeed } from '@ktlab/random';

/** tfjs does not export its Initializer class type by name. */
export type WeightInitializer = ReturnType<typeof tf.initializers.heNormal>;

/**
 * Weight initialisers that are reproducible when a seed is given: layer k of a network seeded with s draws
 * with seed s·1000 + k, so two builds with the same seed start from identical weights (tfjs otherwise uses
 * Math.random). Without a seed they are the usual random initialisers.
 */
export class SeededInitializers {
  private next = 0;

  constructor(private readonly seed: number | undefined) {}

  /** He (Kaiming) normal, for layers followed by ReLU. */
  heNormal(): WeightInitializer {
    return tf.initializers.heNormal({ seed: this.nextSeed() });
  }

  /** Glorot uniform, for the final linear (logits) layer. */
  glorotUniform(): WeightInitializer {
    return tf.initializers.glorotUniform({ seed: this.nextSeed() });
  }

  private nextSeed(): number | undefined {
    return this.seed === undefined ? undefined : tfjsSeed(this.seed * 1000 + this.next++);
  }
}
