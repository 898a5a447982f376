/** The finished cells of a planned study, read from their folders (`cell.json`). */
import { join } from 'node:path';
import { readCellResult, type CellResult } from '../cell-result';
import { configHash, type StudyPlan } from '../plan';

export interface StudyResults {
  cells: CellResult[];
  /** Planned cells with no result yet (not run, failed or interrupted). */
  missing: string[];
  /** Cells whose result was computed for another config (the plan changed since): left out. */
  stale: string[];
}

export function loadStudyResults(plan: StudyPlan, studyDir: string): StudyResults {
  const results: StudyResults = { cells: [], missing: [], stale: [] };
  for (const cell of plan.cells) {
    const result = readCellResult(join(studyDir, cell.id));
    if (!result) results.missing.push(cell.id);
    else if (result.configHash !== configHash(cell.config)) results.stale.push(cell.id);
    else results.cells.push(result);
  }
  return results;
}
