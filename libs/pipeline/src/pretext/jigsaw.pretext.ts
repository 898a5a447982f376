/**
 * Jigsaw (Noroozi & Favaro 2016) and Jigsaw++ (Noroozi et al. 2018): 9 tiles of an image shuffled by one of a
 * set of permutations, the net predicts which; Jigsaw++ replaces up to `maxOccludedTiles` tiles by tiles of
 * another image.
 */
import type { PipelineConfig } from '@ktlab/config';
import { hammingStats, maximinOrder, permutationSubset, PuzzleSampler, type PermutationSet } from '@ktlab/jigsaw';
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
          (curriculum ? `; ${curriculum.description}` : ''),
        sample(indices, seed, step, purpose) {
          const pool = purpose === 'train' ? curriculum?.poolAt(step) : undefined;
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

interface Curriculum {
  /** The permutations training step `step` draws from; undefined: the whole set. */
  poolAt(step: number): Int32Array | undefined;
  description: string;
}

/**
 * `pretext.permutationCurriculum` as pools along the set's greedy maximin order: its first `permutations` members
 * for the first ⌈puzzles / batch⌉ steps, then a prefix growing evenly over ⌈rampPuzzles / batch⌉ steps to the set.
 */
function curriculumOf(cfg: PipelineConfig['pretext'], permutations: PermutationSet): Curriculum | undefined {
  const curriculum = cfg.permutationCurriculum;
  if (!curriculum) return undefined;
  if (curriculum.permutations >= permutations.size) {
    throw new Error(
      `pretext.permutationCurriculum.permutations (${curriculum.permutations}) must be smaller than the permutation set (${permutations.size}): the curriculum starts on a subset of it`,
    );
  }
  const order = maximinOrder(permutations);
  const start = curriculum.permutations;
  const holdSteps = Math.ceil(curriculum.puzzles / cfg.batchSize);
  const rampSteps = Math.ceil((curriculum.rampPuzzles ?? 0) / cfg.batchSize);
  const first = permutationSubset(permutations, order.subarray(0, start));
  const sizeAt = (step: number) =>
    step < holdSteps ? start : step < holdSteps + rampSteps ? start + Math.floor(((permutations.size - start) * (step - holdSteps + 1)) / (rampSteps + 1)) : permutations.size;
  return {
    poolAt: (step) => {
      const size = sizeAt(step);
      return size < permutations.size ? order.subarray(0, size) : undefined;
    },
    description:
      `the first ${holdSteps * cfg.batchSize} puzzles from ${start} of them (minimum Hamming distance ${hammingStats(first).min})` +
      (rampSteps ? `, the next ${rampSteps * cfg.batchSize} from a pool growing evenly to all ${permutations.size}` : ''),
  };
}

export const jigsaw = jigsawTask('jigsaw');
export const jigsawPlusPlus = jigsawTask('jigsaw++');
