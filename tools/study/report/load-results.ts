/** The finished cells of a planned study: each from its working folder (`cell.json`), else its committed copy. */
import { join } from 'node:path';
import { finishedCell, readCellResult, readCommittedCell } from '../cell-files';
import type { CellResult, StudyPlan } from '@ktlab/study';

export interface StudyResults {
  cells: CellResult[];
  /** Planned cells with no result yet (not run, failed or interrupted). */
  missing: string[];
  /** Cells whose result was computed for another config (the plan changed since): left out. */
  stale: string[];
}

/** @param cellsDir the committed cell copies (`docs/results/<scale>/cells`), if the scale keeps them. */
export function loadStudyResults(plan: StudyPlan, studyDir: string, cellsDir?: string): StudyResults {
  const results: StudyResults = { cells: [], missing: [], stale: [] };
  for (const cell of plan.cells) {
    const dir = join(studyDir, cell.id);
    const finished = finishedCell(cell, dir, cellsDir);
    if (finished) results.cells.push(finished);
    else if (readCellResult(dir) || (cellsDir && readCommittedCell(cellsDir, cell.id))) results.stale.push(cell.id);
    else results.missing.push(cell.id);
  }
  return results;
}
