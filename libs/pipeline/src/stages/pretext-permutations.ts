/**
 * The pretext's permutation set: read from `pretext.permutationsFile` (the paper's `.bin`) or generated (greedy
 * maximin, seeded by the run). Either way the run records what it trained with: the set itself as
 * `pretext/permutations.bin`, its size and Hamming distances in `pretext/permutations.json` and as metrics.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineConfig } from '@ktlab/config';
import { decodePermutationBin, encodePermutationBin, generateMaximinPermutations, hammingStats, type PermutationSet } from '@ktlab/jigsaw';
import type { PipelineContext } from '../context';
import { readFileInRoots } from '../io/file-in-roots';

const FIELD = 'pretext.permutationsFile';

export interface PermutationsRecord {
  /** `generated` or the file the set was read from, as the config names it. */
  source: string;
  size: number;
  minHamming: number;
  meanHamming: number;
  maxHamming: number;
}

/** The set a run's pretext trains with; a file must hold exactly `pretext.permutations` permutations. */
export async function pretextPermutations(config: PipelineConfig, datasetRoots?: readonly string[]): Promise<PermutationSet> {
  const { permutationsFile, permutations } = config.pretext;
  if (permutationsFile === undefined) return generateMaximinPermutations({ count: permutations, seed: config.seed });
  const bytes = await readFileInRoots(FIELD, permutationsFile, datasetRoots);
  let set: PermutationSet;
  try {
    set = decodePermutationBin(bytes, `"${permutationsFile}"`);
  } catch (error) {
    throw new Error(`${FIELD}: ${(error as Error).message} (expected the paper's .bin format: int32 n, int32 9, then n × 9 int32 tile indices 1..9)`);
  }
  if (set.size !== permutations) {
    throw new Error(`${FIELD}: "${permutationsFile}" holds ${set.size} permutations but pretext.permutations is ${permutations}; set pretext.permutations to ${set.size}`);
  }
  return set;
}

/** Writes the set and its statistics to the run folder and reports them as metrics at step 0. */
export async function recordPermutations(context: PipelineContext, set: PermutationSet): Promise<PermutationsRecord> {
  const stats = hammingStats(set);
  const record: PermutationsRecord = {
    source: context.config.pretext.permutationsFile ?? 'generated',
    size: set.size,
    minHamming: stats.min,
    meanHamming: stats.mean,
    maxHamming: stats.max,
  };
  const dir = join(context.runDir, 'pretext');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'permutations.bin'), encodePermutationBin(set));
  await writeFile(join(dir, 'permutations.json'), `${JSON.stringify(record, null, 2)}\n`);
  await context.metric('pretext/permutations', 0, record.size);
  await context.metric('pretext/permutations_min_hamming', 0, record.minHamming);
  await context.metric('pretext/permutations_mean_hamming', 0, record.meanHamming);
  return record;
}
