/**
 * Publishes a study's locally-run cells into the portal (`npm run study -- --publish <url>`): each finished cell
 * becomes a succeeded run with the tags the `--portal` path gives its runs (`study:<scale>`, `cell:<id>`,
 * `cfg:<hash>`) and the eval results the report reads (`cell.json`), so the benchmark view with `?study=<scale>`
 * shows the report's tables; the cell's figures and cluster files become the run's. The import key is the scale, cell and config hash:
 * publishing again creates nothing.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { importKey, importedStages, publishRun, readRunFolder, uploadRunFiles, type ImportRunRequest, type PortalSession, type StageRecord } from '@ktlab/publish';
import { configHash, portalMethod, studyRunName, studyTags, type CellResult, type StudyCell, type StudyPlan } from '@ktlab/study';
import { readCellResult } from './cell-files';

export interface PublishStudyOptions {
  plan: StudyPlan;
  studyDir: string;
  session: PortalSession;
  projectSlug?: string;
  /** Where the cells ran; default this machine's host name. */
  host?: string;
  log?: (line: string) => void;
}

export interface PublishStudySummary {
  published: { id: string; runId: string }[];
  /** Figures (PNG) sent, of new runs and of runs published before that missed some. */
  /** Figures and cluster browser files sent. */
  files: number;
  /** Already in the portal from an earlier publish (nothing written). */
  alreadyPublished: { id: string; runId: string }[];
  skipped: { id: string; reason: string }[];
}

export function studyImportKey(scale: string, cell: Pick<CellResult, 'id' | 'configHash'>): string {
  return importKey('study', scale, cell.id, cell.configHash);
}

/** The `runs.import` request for one finished cell. */
export function cellImportRequest(scale: string, cell: StudyCell, result: CellResult, cellDir: string, options: { host: string; projectSlug?: string }): ImportRunRequest {
  const startedAt = new Date(result.startedAt);
  const records: StageRecord[] = existsSync(join(cellDir, 'config.json')) && existsSync(join(cellDir, 'results.json')) ? readRunFolder(cellDir).stages : [];
  return {
    ...(options.projectSlug ? { projectSlug: options.projectSlug } : {}),
    name: studyRunName(scale, cell),
    method: portalMethod(cell),
    tags: studyTags(scale, cell),
    config: cell.config,
    importedFrom: `study@${options.host}`,
    importKey: studyImportKey(scale, result),
    startedAt,
    finishedAt: new Date(result.finishedAt),
    stages: importedStages(cell.config, records, { startedAt, stageSeconds: result.stageSeconds }),
    evalResults: result.results,
  };
}

export async function publishStudy(options: PublishStudyOptions): Promise<PublishStudySummary> {
  const { plan, studyDir, session } = options;
  const scale = plan.scale.name;
  const host = options.host ?? hostname();
  const log = options.log ?? console.log;
  const summary: PublishStudySummary = { published: [], files: 0, alreadyPublished: [], skipped: [] };
  for (const cell of plan.cells) {
    const dir = join(studyDir, cell.id);
    const result = readCellResult(dir);
    if (!result) {
      summary.skipped.push({ id: cell.id, reason: 'not finished' });
      continue;
    }
    if (result.configHash !== configHash(cell.config)) {
      summary.skipped.push({ id: cell.id, reason: `its result is for another config (${result.configHash}); run the study again` });
      continue;
    }
    if (result.portalRunId) {
      summary.skipped.push({ id: cell.id, reason: `ran on the portal (run ${result.portalRunId})` });
      continue;
    }
    const run = await publishRun(session.client, cellImportRequest(scale, cell, result, dir, { host, ...(options.projectSlug ? { projectSlug: options.projectSlug } : {}) }));
    if (run.created) {
      summary.published.push({ id: cell.id, runId: run.id });
      log(`${cell.id}: published as ${run.name} (${run.id})`);
    } else {
      summary.alreadyPublished.push({ id: cell.id, runId: run.id });
      if (run.deleted) log(`${cell.id}: published before as ${run.name} (${run.id}), now in the portal's trash: restore it there`);
    }
    summary.files += (await uploadRunFiles(session, run, dir)).length;
  }
  return summary;
}
