import { z } from 'zod';
import { geometryOverridesSchema } from './geometry';

/** Maximum number of tiles a Jigsaw++ puzzle may borrow from another image (8 keeps one own tile). */
export const MAX_OCCLUDED_LIMIT = 8;

export const puzzleConfigSchema = z
  .object({
    /** Crop / tile / jitter sizes; each defaults from the image size (see geometry.ts). */
    geometry: geometryOverridesSchema.default({}),
    /** Share of puzzles turned gray (paper code: 0.5). */
    grayProbability: z.number().min(0).max(1).default(0.5),
    /** Share of puzzles with the (1, −2, 1) colour axis projected out (paper code: 0.25). */
    projectionProbability: z.number().min(0).max(1).default(0.25),
    /**
     * Jigsaw++: each puzzle has 0..maxOccluded tiles (count uniform, cells random) replaced by tiles of one
     * other random image of the batch. 0 gives plain Jigsaw; the paper uses 2.
     */
    maxOccluded: z.number().int().min(0).max(MAX_OCCLUDED_LIMIT).default(0),
  })
  .refine((c) => c.grayProbability + c.projectionProbability <= 1, {
    message: 'grayProbability + projectionProbability must not exceed 1',
  });

export type PuzzleConfigInput = z.input<typeof puzzleConfigSchema>;
export type PuzzleConfig = z.output<typeof puzzleConfigSchema>;

export function parsePuzzleConfig(input: PuzzleConfigInput = {}): PuzzleConfig {
  const result = puzzleConfigSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid puzzle config: ${z.prettifyError(result.error)}`);
  return result.data;
}
