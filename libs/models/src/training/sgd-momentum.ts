import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { parseOptions } from '../parse-options.js';

export const sgdOptionsSchema = z.strictObject({
  momentum: z.number().min(0).max(0.999).default(0.9),
  /** L2 weight decay coefficient (the paper's AlexNet recipes use 5e-4). */
  weightDecay: z.number().min(0).default(5e-4),
  nesterov: z.boolean().default(false),
  /** Which weights decay, by variable name; by default conv/dense kernels only, not biases or batch-norm. */
  decays: z.custom<(name: string) => boolean>((v) => typeof v === 'function').default(() => isKernel),
});
export type SgdOptions = z.input<typeof sgdOptionsSchema>;

/** One parameter to update: a stable name, its variable, and its gradient. */
export interface SgdParameter {
  name: string;
  variable: tf.Variable;
  gradient: tf.Tensor;
}

function isKernel(name: string): boolean {
  return /(^|\/)kernel(_\d+)?$/.test(name);
}

/**
 * SGD with momentum and coupled L2 weight decay, the classic (PyTorch `torch.optim.SGD`) update:
 *
 *   g ← ∇w + weightDecay·w      (decay only where `decays(name)`)
 *   v ← momentum·v + g
 *   w ← w − lr·v                (Nesterov: w ← w − lr·(g + momentum·v))
 *
 * The decay is added to the gradient rather than to the loss so the reported loss stays the data loss; with
 * momentum this is exactly L2 regularisation of strength weightDecay/2. The learning rate is passed to each
 * step so schedules stay plain functions. Momentum buffers are exposed for checkpoints (resume gives the same
 * trajectory as an uninterrupted run).
 */
export class SgdMomentum {
  readonly options: z.output<typeof sgdOptionsSchema>;
  private readonly velocity = new Map<string, tf.Variable>();

  constructor(options: SgdOptions = {}) {
    this.options = parseOptions(sgdOptionsSchema, options, 'SgdMomentum');
  }

  /**
   * Applies one update. Each parameter's `name` must be stable across processes — a layer weight's
   * `originalName` such as `conv1/kernel`, not the tf.Variable's name, which tfjs suffixes (`conv1/kernel_1`)
   * when several models in one process have a `conv1` — because momentum buffers are kept, decayed and
   * checkpointed under it.
   */
  step(parameters: readonly SgdParameter[], learningRate: number): void {
    if (!(learningRate >= 0)) throw new Error(`SgdMomentum.step: learningRate must be ≥ 0, got ${learningRate}`);
    const { momentum, weightDecay, nesterov, decays } = this.options;
    tf.tidy(() => {
      for (const { name, variable, gradient } of parameters) {
        const g = weightDecay > 0 && decays(name) ? gradient.add(variable.mul(weightDecay)) : gradient;
        let v = this.velocity.get(name);
        if (!v) {
          v = tf.variable(tf.zerosLike(variable), false);
          this.velocity.set(name, v);
        } else if (!tf.util.arraysEqual(v.shape, variable.shape)) {
          throw new Error(`SgdMomentum.step: momentum buffer '${name}' has shape [${v.shape}] but the parameter has [${variable.shape}]`);
        }
        v.assign(v.mul(momentum).add(g));
        const direction = nesterov ? g.add(v.mul(momentum)) : v;
        variable.assign(variable.sub(direction.mul(learningRate)));
      }
    });
  }

  /** Copies of the momentum buffers, keyed by parameter name (for checkpoints). Caller disposes. */
  getState(): tf.NamedTensorMap {
    return Object.fromEntries([...this.velocity].map(([name, v]) => [name, v.clone()]));
  }

  /** Restores buffers saved by {@link getState}; parameters without a saved buffer start from zero. */
  setState(state: tf.NamedTensorMap): void {
    this.dispose();
    for (const [name, value] of Object.entries(state)) this.velocity.set(name, tf.variable(value.clone(), false));
  }

  dispose(): void {
    for (const v of this.velocity.values()) v.dispose();
    this.velocity.clear();
  }
}
