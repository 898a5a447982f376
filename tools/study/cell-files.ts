/**
 * A finished cell's files: `cell.json` in its working folder (`<KTLAB_HOME>/study/<scale>/<cell-id>/`) and the
 * committed copy `<report>/cells/<cell-id>.json`. The schema and the result itself are @ktlab/study's.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@ktlab/data';
import { cellResultSchema, configHash, type CellResult, type StudyCell } from '@ktlab/study';

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
