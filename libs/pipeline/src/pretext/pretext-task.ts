/**
 * What a pretext task provides to the pretext stage. The stage is task-agnostic: it opens the images, asks the
 * task for examples, a net and (optionally) a figure, trains with the one fit loop, measures held-out top-1 and
 * saves the trunk. A new task is one file here and one entry in `pretext-tasks.ts` (see the README).
 */
import type * as tf from '@tensorflow/tfjs';
import type { PipelineConfig, PretextTaskName } from '@ktlab/config';
import type { PipelineContext } from '../context';
import type { asImages } from '../datasets';
import type { FitOptions } from '../training/fit';

export type PretextImages = ReturnType<typeof asImages>;
export type PretextField = keyof PipelineConfig['pretext'];

/** A batch of pretext examples as the net takes them. */
export interface PretextExamples {
  size: number;
  /** Network input, row-major `[size, ...shape]`. */
  x: Float32Array;
  /** Shape of one example (e.g. `[9, tile, tile, 3]` for a puzzle, `[s, s, 3]` for an image). */
  shape: readonly number[];
  /** The class each example belongs to. */
  labels: Int32Array;
}

/** The task bound to a run's images: everything the stage needs to train and measure it. */
export interface PreparedPretext {
  /** Classes the head predicts (the permutation set's size, 4 rotations). */
  classes: number;
  /** Side of the trunk's square input while training the pretext (a Jigsaw tile, or the whole image). */
  inputSize: number;
  /** Pretext examples per image in a batch (4 for rotation: every image in all four rotations). */
  examplesPerImage: number;
  /** What the log calls the examples (`puzzles`, `rotated images`). */
  examplesName: string;
  /** What is trained, for the run's log (after "pretext: <task> on N images at Spx, "). */
  description: string;
  /**
   * Examples from the images at `indices`; `seed` and `step` fix any randomness, so a resumed run replays it.
   * `purpose`: training examples follow the task's schedule (a permutation curriculum), held-out ones never do.
   */
  sample(indices: Int32Array, seed: number, step: number, purpose: 'train' | 'held-out'): PretextExamples;
  /** The pretext net (trunk + head, softmax over `classes`) and its trunk, the part that is kept. */
  build(): { model: tf.LayersModel; trunk: tf.LayersModel };
  /** Draws example inputs from the images at `indices` into `figures/<figureName>`. */
  figure?: { name: string; draw(indices: Int32Array, seed: number, path: string): Promise<void> };
}

export interface PretextTask {
  name: Exclude<PretextTaskName, 'none'>;
  /**
   * The `pretext.*` fields only this task reads; every other pretext field (arch, sizes, optimisation,
   * held-out measurement) is read by the stage for all tasks.
   */
  ownFields: readonly PretextField[];
  /**
   * Binds the task to the run: reads what it needs (files first, so a bad file fails before the images are
   * decoded), then the images through `openImages`, and records what it trained with in the run folder.
   */
  prepare(context: PipelineContext, openImages: () => Promise<PretextImages>): Promise<PreparedPretext>;
  /** Loss of one training step; absent: softmax cross-entropy on the head's probabilities (fit's default). */
  step?: FitOptions['step'];
}

/** The pretext fields every task's training reads (see `PretextTask.ownFields` for the rest). */
export const SHARED_PRETEXT_FIELDS: readonly PretextField[] = ['task', 'arch', 'imageSize', 'widthMultiplier', 'epochs', 'batchSize', 'learningRate', 'heldOutImages', 'heldOutEvery'];
