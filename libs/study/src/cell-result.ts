/**
 * A finished cell's result (the CLI keeps it as `cell.json`): the cell's identity, its evaluation results and how
 * it ran (measured wall time, machine, backend). The report reads only these, whether the cell ran locally or on
 * the portal; the tables, orderings and anchors read only a cell's identity and scores (`CellScores`), which the
 * portal's runs give too.
 */
import { z } from 'zod';
import { evalResultSchema } from '@ktlab/config';
import { CELL_GROUPS, configHash, type StudyCell } from './plan';

export const machineSchema = z.object({
  cpuModel: z.string(),
  /** The vector ISA, e.g. "AVX-512 + BF16" (cells written before it was recorded lack it). */
  isa: z.string().optional(),
  cores: z.number().int(),
  /** 1-minute load average when the cell started: other work on the machine slows it. */
  loadAverage: z.number(),
  backend: z.string(),
  threads: z.number().int().optional(),
  /** Where it ran: `local` or the portal's URL. */
  where: z.string(),
});
export type MachineInfo = z.infer<typeof machineSchema>;

export const cellResultSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  group: z.enum(CELL_GROUPS),
  row: z.string(),
  rowName: z.string(),
  seed: z.number().int(),
  k: z.number().int().optional(),
  domain: z.string().optional(),
  configHash: z.string(),
  results: z.array(evalResultSchema),
  /** Measured seconds of this cell's own attempts (a reused pretext stage counts in the cell that trained it). */
  wallSeconds: z.number(),
  /** CPU seconds (user + system) of this process during the cell: its cost independent of other load. */
  cpuSeconds: z.number().optional(),
  /** Measured seconds per pipeline stage in the attempt that finished the cell. */
  stageSeconds: z.record(z.string(), z.number()).default({}),
  /** Stages restored from another cell instead of run here. */
  reused: z.array(z.string()).default([]),
  startedAt: z.string(),
  finishedAt: z.string(),
  machine: machineSchema,
  /** The ktlab commit the cell ran (`git describe --always --dirty`), when it ran from a git checkout. */
  commit: z.string().optional(),
  portalRunId: z.string().optional(),
  /** Training / test image counts as the pipeline saw them (from the config). */
  images: z.object({ train: z.number().int(), evalTrain: z.number().int(), test: z.number().int() }),
  /** Pretext top-1 on held-out puzzles as it trained (scales that hold images out; chance is 1 / permutations). */
  pretextHeldOut: z.object({ permutations: z.number().int(), curve: z.array(z.object({ puzzles: z.number().int(), top1: z.number() })) }).optional(),
  /** The config the cell ran (kept in the committed copy, so a reader sees every setting behind a number). */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type CellResult = z.infer<typeof cellResultSchema>;

/** What the tables, orderings and anchors read of a finished cell: who it is and its scores. */
export type CellScores = Pick<CellResult, 'id' | 'group' | 'row' | 'rowName' | 'seed' | 'k' | 'domain' | 'results'>;

/** What the cell's run contributes to its result; the rest follows from the cell itself (`cellResult`). */
export type CellRunOutcome = Omit<CellResult, 'version' | 'id' | 'group' | 'row' | 'rowName' | 'seed' | 'k' | 'domain' | 'configHash' | 'images'>;

/** A cell's result: its identity, the config it ran and its image counts, with what its run measured. */
export function cellResult(cell: StudyCell, outcome: CellRunOutcome): CellResult {
  return {
    version: 1,
    id: cell.id,
    group: cell.group,
    row: cell.row,
    rowName: cell.rowName,
    seed: cell.seed,
    ...(cell.k === undefined ? {} : { k: cell.k }),
    ...(cell.domain === undefined ? {} : { domain: cell.domain }),
    configHash: configHash(cell.config),
    images: imageCounts(cell),
    ...outcome,
  };
}

/** Training / test image counts as the pipeline sees them (from the config's limits; 0 where unlimited). */
export function imageCounts(cell: StudyCell): CellResult['images'] {
  const { config } = cell;
  return {
    train: config.data.limit ?? 0,
    evalTrain: config.evaluation.train?.limit ?? 0,
    test: config.evaluation.test?.limit ?? 0,
  };
}
