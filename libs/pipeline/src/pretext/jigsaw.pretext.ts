/**
 * Jigsaw (Noroozi & Favaro 2016) and Jigsaw++ (Noroozi et al. 2018): 9 tiles of an image shuffled by one of a
 * set of permutations, the net predicts which; Jigsaw++ replaces up to `maxOccludedTiles` tiles by tiles of
 * another image.
 */
import type { PipelineConfig } from '@ktlab/config';
import { createPermutationSet, hammingStats, maximinSubset, permutationAt, PuzzleSampler, type PermutationSet } from '@ktlab/jigsaw';
import { examplePuzzlesFigure } from '../figures';
import { pretextNetFor } from '../nets';
import { pretextPermutations, recordPermutations } from '../stages/pretext-permutations';
import type { PretextTask } from './pretext-task';

const PUZZLE_FIELDS = ['permutations', 'permutationsFile', 'permutationCurriculum', 'grayProbability', 'projectionProbability'] as const;

function jigsawTask(name: 'jigsaw' | 'jigsaw++'): PretextTask {
  const occludes = name === 'jigsaw++';
  return {
    name,
    ownFields: occludes ? [...PUZZLE_FIELDS, 'maxOccludedTiles'] : PUZZLE_FIELDS,
    async prepare(context, openImages) {
      const { config } = context;
      const cfg = config.pretext;
      // The file and the curriculum first: a wrong one fails the run before the images are decoded.
      const permutations = await pretextPermutations(config, context.datasetRoots);
      const curriculum = curriculumOf(cfg, permutations);
      const images = await openImages();
      const sampler = new PuzzleSampler({
        images: images as ConstructorParameters<typeof PuzzleSampler>[0]['images'],
        permutations,
        config: { grayProbability: cfg.grayProbability, projectionProbability: cfg.projectionProbability, maxOccluded: occludes ? cfg.maxOccludedTiles : 0 },
      });
      const tileSize = sampler.geometry.tileSize;
      const record = await recordPermutations(context, permutations);
      return {
        classes: permutations.size,
        inputSize: tileSize,
        examplesPerImage: 1,
        examplesName: 'puzzles',
        description:
          `tiles ${tileSize}px, ${permutations.size} permutations ` +
          `(${record.source === 'generated' ? 'generated' : `from ${record.source}`}; minimum Hamming distance ${record.minHamming}, mean ${record.meanHamming.toFixed(2)})` +
          (curriculum ? `; the first ${curriculum.steps * cfg.batchSize} puzzles from ${curriculum.pool.length} of them (minimum Hamming distance ${curriculum.minHamming})` : ''),
        sample(indices, seed, step, purpose) {
          const pool = purpose === 'train' && curriculum && step < curriculum.steps ? curriculum.pool : undefined;
          const puzzles = sampler.sample(indices, seed, step, pool);
          return { size: puzzles.size, x: puzzles.tiles, shape: [9, tileSize, tileSize, 3], labels: puzzles.labels };
        },
        build: () => pretextNetFor(config, tileSize, permutations.size),
        figure: {
          name: 'example-puzzles.png',
          draw: (indices, seed, path) => examplePuzzlesFigure(sampler.sample(indices, seed, 0), path),
        },
      };
    },
  };
}

/** The subset a permutation curriculum starts on and how many training steps draw from it. */
function curriculumOf(cfg: PipelineConfig['pretext'], permutations: PermutationSet): { pool: Int32Array; steps: number; minHamming: number } | undefined {
  const curriculum = cfg.permutationCurriculum;
  if (!curriculum) return undefined;
  if (curriculum.permutations >= permutations.size) {
    throw new Error(
      `pretext.permutationCurriculum.permutations (${curriculum.permutations}) must be smaller than the permutation set (${permutations.size}): the curriculum starts on a subset of it`,
    );
  }
  const pool = maximinSubset(permutations, curriculum.permutations);
  const subset = createPermutationSet(Uint8Array.from(Array.from(pool, (index) => Array.from(permutationAt(permutations, index))).flat()));
  return { pool, steps: Math.ceil(curriculum.puzzles / cfg.batchSize), minHamming: hammingStats(subset).min };
}

export const jigsaw = jigsawTask('jigsaw');
export const jigsawPlusPlus = jigsawTask('jigsaw++');
