import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { fullyConnectedHead, PROBABILITIES_LAYER } from '../architectures/build-classifier.js';
import { archNameSchema, buildTrunk, buildTrunkOptionsSchema } from '../architectures/build-trunk.js';
import { perTile } from '../layers/per-tile.js';
import { parseOptions } from '../parse-options.js';
import { SeededInitializers } from '../architectures/seeded-initializers.js';

/** Layer names inside the Jigsaw net (the trunk keeps its own conv1… names). */
export const JIGSAW_LAYERS = { tiles: 'tiles', tileFc: 'fc6', concat: 'fc6_concat' } as const;

/** The trunk's options (tile size as its input size) plus the Jigsaw head's. */
export const jigsawNetOptionsSchema = buildTrunkOptionsSchema.omit({ inputSize: true }).extend({
  arch: archNameSchema,
  /** Side of one (square) tile in pixels; the trunk's input size. */
  tileSize: z.number().int().min(8),
  /** Tiles per puzzle: 9 in the paper (3×3 grid). */
  numTiles: z.number().int().min(2).max(64).default(9),
  /** Size of the permutation set (the number of classes): 1000 in the paper, 100/701 in the shared files. */
  numPermutations: z.number().int().min(2),
  /** Width of the per-tile fc (shared by all tiles); the paper's fc6 has 1024. */
  tileFcUnits: z.number().int().min(1).default(512),
  /** Hidden fcs after the concatenation; the paper's fc7 has 4096. */
  hiddenUnits: z.array(z.number().int().min(1)).default([1024]),
  dropout: z.number().min(0).max(0.95).default(0.5),
});
export type JigsawNetOptions = z.input<typeof jigsawNetOptionsSchema>;

export interface JigsawNet {
  /** Input [batch, numTiles, tileSize, tileSize, channels] in puzzle order; output softmax over permutations. */
  model: tf.LayersModel;
  /** The one trunk every tile goes through (the same object, so the same weights, as inside `model`). */
  trunk: tf.LayersModel;
}

/**
 * The context-free (siamese) Jigsaw network of Noroozi & Favaro: one trunk applied to every tile
 * (PerTile over the tile axis: one set of conv weights, run once on all tiles of the batch), a per-tile fc6 shared by the
 * tiles, the tile embeddings concatenated in puzzle order, fc7 …, and a softmax over the permutation set.
 */
export function jigsawNet(options: JigsawNetOptions): JigsawNet {
  const o = parseOptions(jigsawNetOptionsSchema, options, 'jigsawNet');
  const { arch, tileSize, numTiles, numPermutations, tileFcUnits, hiddenUnits, dropout, ...trunkOptions } = o;
  const trunk = buildTrunk(arch, { ...trunkOptions, inputSize: tileSize });
  const init = new SeededInitializers(o.seed === undefined ? undefined : o.seed + 1);
  const input = tf.input({ name: 'tiles_input', shape: [numTiles, tileSize, tileSize, o.channels] });
  let x = perTile({ name: JIGSAW_LAYERS.tiles, layer: trunk as unknown as tf.layers.Layer }).apply(input) as tf.SymbolicTensor;
  x = perTile({ name: 'tile_flatten', layer: tf.layers.flatten() }).apply(x) as tf.SymbolicTensor;
  // A Dense on [batch, tiles, d] acts on the last axis, i.e. the same fc6 weights for every tile.
  x = tf.layers.dense({ name: JIGSAW_LAYERS.tileFc, units: tileFcUnits, activation: 'relu', kernelInitializer: init.heNormal() }).apply(x) as tf.SymbolicTensor;
  // Flattening [batch, tiles, units] row-major is concatenation in puzzle (tile) order.
  x = tf.layers.flatten({ name: JIGSAW_LAYERS.concat }).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) x = tf.layers.dropout({ name: 'fc6_dropout', rate: dropout }).apply(x) as tf.SymbolicTensor;
  const logits = fullyConnectedHead(x, { numClasses: numPermutations, hiddenUnits, dropout, firstFc: 7, init });
  const probabilities = tf.layers.softmax({ name: PROBABILITIES_LAYER }).apply(logits) as tf.SymbolicTensor;
  return { model: tf.model({ name: 'jigsaw', inputs: input, outputs: probabilities }), trunk };
}

/** The shared trunk of a Jigsaw net, e.g. one loaded from disk (where only the model exists). */
export function jigsawTrunk(model: tf.LayersModel): tf.LayersModel {
  const wrapper = model.layers.find((layer) => layer.name === JIGSAW_LAYERS.tiles);
  const inner = (wrapper as unknown as { layer?: unknown } | undefined)?.layer;
  if (!(inner instanceof tf.LayersModel)) {
    throw new Error(`jigsawTrunk: model '${model.name}' has no '${JIGSAW_LAYERS.tiles}' layer wrapping a trunk model; is it a Jigsaw net?`);
  }
  return inner;
}
