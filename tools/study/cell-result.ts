/**
 * What a finished cell leaves in its folder (`cell.json`): the cell's identity, its evaluation results and how it
 * ran (measured wall time, machine, backend). The report reads only these files, whether the cell ran locally or
 * on the portal.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { evalResultSchema } from '@ktlab/config';
import { writeFileAtomic } from '@ktlab/data';
import { configHash, type StudyCell } from './plan';

export const machineSchema = z.object({
  cpuModel: z.string(),
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
  group: z.enum(['main', 'clusters', 'domain']),
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
  portalRunId: z.string().optional(),
  /** Training / test image counts as the pipeline saw them (from the config). */
  images: z.object({ train: z.number().int(), evalTrain: z.number().int(), test: z.number().int() }),
  /** Pretext top-1 on held-out puzzles as it trained (scales that hold images out; chance is 1 / permutations). */
  pretextHeldOut: z.object({ permutations: z.number().int(), curve: z.array(z.object({ puzzles: z.number().int(), top1: z.number() })) }).optional(),
  /** The config the cell ran (kept in the committed copy, so a reader sees every setting behind a number). */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type CellResult = z.infer<typeof cellResultSchema>;

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

export const CELL_RESULT_FILE = 'cell.json';

export function readCellResult(cellDir: string): CellResult | undefined {
  const file = join(cellDir, CELL_RESULT_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = cellResultSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a study cell result: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function writeCellResult(cellDir: string, result: CellResult): void {
  writeFileAtomic(join(cellDir, CELL_RESULT_FILE), [Buffer.from(JSON.stringify(cellResultSchema.parse(result), null, 2))]);
}

/**
 * The committed copy of a finished cell: `<report>/cells/<cell-id>.json` (e.g. docs/results/medium/cells/), with
 * its config. A fresh clone or another machine skips the cells found there and reports them.
 */
export function committedCellPath(cellsDir: string, cellId: string): string {
  return join(cellsDir, `${cellId}.json`);
}

export function readCommittedCell(cellsDir: string, cellId: string): CellResult | undefined {
  const file = committedCellPath(cellsDir, cellId);
  if (!existsSync(file)) return undefined;
  const parsed = cellResultSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a study cell result: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function writeCommittedCell(cellsDir: string, result: CellResult, config: StudyCell['config']): void {
  mkdirSync(cellsDir, { recursive: true });
  writeFileAtomic(committedCellPath(cellsDir, result.id), [Buffer.from(`${JSON.stringify(cellResultSchema.parse({ ...result, config }), null, 2)}\n`)]);
}

/** A cell's finished result for its current config: its working folder's, else the committed copy; undefined if neither. */
export function finishedCell(cell: StudyCell, cellDir: string, cellsDir?: string): CellResult | undefined {
  const hash = configHash(cell.config);
  const local = readCellResult(cellDir);
  if (local?.configHash === hash) return local;
  const committed = cellsDir ? readCommittedCell(cellsDir, cell.id) : undefined;
  return committed?.configHash === hash ? committed : undefined;
}
