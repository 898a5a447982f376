import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { parseOptions } from '../parse-options.js';
import { alexnetTrunk } from './alexnet-trunk.js';
import { trunkOptionsSchema } from './trunk-options.js';
import { vggTrunk } from './vgg-trunk.js';

export const archNameSchema = z.enum(['alexnet', 'vgg']);
/** `alexnet`: 5 convs (the target net); `vgg`: ≥ 10 convs (the deeper pretext net of CC+vgg-Jigsaw++). */
export type ArchName = z.infer<typeof archNameSchema>;

export const buildTrunkOptionsSchema = trunkOptionsSchema.extend({
  /** VGG only: 3×3 convs in each of the five stages. */
  convsPerStage: z.array(z.number().int().min(1).max(6)).length(5).default([2, 2, 2, 2, 2]),
});
export type BuildTrunkOptions = z.input<typeof buildTrunkOptionsSchema>;

/**
 * The convolutional part of an architecture (input image → pool5), as its own model so it can be shared by the
 * 9 Jigsaw tiles, wrapped by a classifier head, or have its weights transplanted into another net.
 */
export function buildTrunk(arch: ArchName, options: BuildTrunkOptions): tf.LayersModel {
  const name = parseOptions(archNameSchema, arch, 'buildTrunk arch');
  const parsed = parseOptions(buildTrunkOptionsSchema, options, `buildTrunk('${name}')`);
  return name === 'alexnet' ? alexnetTrunk(parsed) : vggTrunk(parsed);
}
