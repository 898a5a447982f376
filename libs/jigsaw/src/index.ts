// Permutation sets
export { TILE_COUNT, createPermutationSet, permutationAt, permutationSubset, type PermutationSet } from './permutations/permutation-set';
export { generateMaximinPermutations, maximinOptionsSchema, type MaximinOptions } from './permutations/generate-maximin';
export { hammingDistance, hammingStats, type HammingStats } from './permutations/hamming';
export { maximinOrder, maximinSubset } from './permutations/maximin-subset';
export { decodePermutationBin, encodePermutationBin } from './permutations/bin-format';
export { readPermutationFile, writePermutationFile } from './permutations/permutation-file';

// Puzzles
export { validateImageStack, type ImageStack } from './images';
export { GRID, puzzleGeometry, tileWindowOrigin, type GeometryOverrides, type PuzzleGeometry } from './puzzle/geometry';
export { CHROMATIC_AXIS, ColourMode, applyColourMode, colourMatrix } from './puzzle/colour';
export { normaliseTiles } from './puzzle/normalise';
export { MAX_OCCLUDED_LIMIT, parsePuzzleConfig, puzzleConfigSchema, type PuzzleConfig, type PuzzleConfigInput } from './puzzle/puzzle-config';
export type { PuzzlePlan, TileSource } from './puzzle/puzzle-plan';
export { renderPuzzle } from './puzzle/render-puzzle';
export { PuzzleSampler, type PuzzleBatch, type PuzzleSamplerOptions } from './puzzle/puzzle-sampler';

