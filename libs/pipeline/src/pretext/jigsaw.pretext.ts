/**
 * Jigsaw (Noroozi & Favaro 2016) and Jigsaw++ (Noroozi et al. 2018): 9 tiles of an image shuffled by one of a
 * set of permutations, the net predicts which; Jigsaw++ replaces up to `maxOccludedTiles` tiles by tiles of
 * another image.
 */
import { PuzzleSampler } from '@ktlab/jigsaw';
import { examplePuzzlesFigure } from '../figures';
import { pretextNetFor } from '../nets';
import { pretextPermutations, recordPermutations } from '../stages/pretext-permutations';
import type { PretextTask } from './pretext-task';

const PUZZLE_FIELDS = ['permutations', 'permutationsFile', 'grayProbability', 'projectionProbability'] as const;

function jigsawTask(name: 'jigsaw' | 'jigsaw++'): PretextTask {
  const occludes = name === 'jigsaw++';
  return {
    name,
    ownFields: occludes ? [...PUZZLE_FIELDS, 'maxOccludedTiles'] : PUZZLE_FIELDS,
    async prepare(context, openImages) {
      const { config } = context;
      const cfg = config.pretext;
      // The file first: a wrong or missing one fails the run before the images are decoded.
      const permutations = await pretextPermutations(config, context.datasetRoots);
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
          `(${record.source === 'generated' ? 'generated' : `from ${record.source}`}; minimum Hamming distance ${record.minHamming}, mean ${record.meanHamming.toFixed(2)})`,
        sample(indices, seed, step) {
          const puzzles = sampler.sample(indices, seed, step);
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

export const jigsaw = jigsawTask('jigsaw');
export const jigsawPlusPlus = jigsawTask('jigsaw++');
