/** From what a finished run left behind to the `runs.import` request: pure functions, no I/O. */
import { createHash } from 'node:crypto';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '@ktlab/api';
import { PIPELINE_STAGES, type EvalResult, type RunConfig } from '@ktlab/config';
import type { RunFolder, StageRecord } from './run-folder';

export type ImportRunRequest = inferRouterInputs<AppRouter>['runs']['import'];
export type ImportedStage = NonNullable<ImportRunRequest['stages']>[number];

/** sha256 (hex) of the parts, each length-prefixed so that no two different part lists collide. */
export function importKey(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}`);
  return hash.digest('hex');
}

/** sha256 (hex) of the config as written: two runs with the same fingerprint ran the same config. */
export function configFingerprint(config: RunConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/**
 * The run's stages with their times: a recorded stage finished at its record's time and started its measured
 * seconds earlier, else when the stage before it finished (the run's start for the first). A pipeline stage with
 * no record did not run in this config (a finished run has a record for every stage it ran): skipped.
 */
export function importedStages(
  config: RunConfig,
  records: readonly StageRecord[],
  timing: { startedAt: Date; stageSeconds?: Record<string, number> },
): ImportedStage[] {
  const stages: ImportedStage[] = [];
  let previousEnd = timing.startedAt;
  for (const record of [...records].sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime())) {
    const seconds = timing.stageSeconds?.[record.kind];
    const startedAt = seconds === undefined ? previousEnd : new Date(record.finishedAt.getTime() - seconds * 1000);
    // A stage restored from another run's checkpoint finished before this run started: its start is unknown.
    stages.push({ kind: record.kind, status: 'succeeded', ...(startedAt <= record.finishedAt ? { startedAt } : {}), finishedAt: record.finishedAt });
    if (record.finishedAt > previousEnd) previousEnd = record.finishedAt;
  }
  if (config.kind === 'pipeline') {
    for (const kind of PIPELINE_STAGES) if (!records.some((record) => record.kind === kind)) stages.push({ kind, status: 'skipped' });
  }
  return stages;
}

export interface RunIdentity {
  method: string;
  name?: string;
  tags?: string[];
  /** Where it ran, e.g. "cli@laptop". */
  importedFrom: string;
  importKey: string;
  projectSlug?: string;
}

/** The import request for a run folder; `results`, `startedAt`… override what the folder says. */
export function runFolderImport(
  folder: RunFolder,
  identity: RunIdentity,
  overrides: { results?: EvalResult[]; startedAt?: Date; finishedAt?: Date; stageSeconds?: Record<string, number> } = {},
): ImportRunRequest {
  const startedAt = overrides.startedAt ?? folder.startedAt;
  const finishedAt = overrides.finishedAt ?? folder.finishedAt;
  return {
    ...(identity.projectSlug ? { projectSlug: identity.projectSlug } : {}),
    ...(identity.name ? { name: identity.name } : {}),
    method: identity.method,
    tags: identity.tags ?? [],
    config: folder.config,
    importedFrom: identity.importedFrom,
    importKey: identity.importKey,
    startedAt,
    finishedAt,
    stages: importedStages(folder.config, folder.stages, { startedAt, stageSeconds: overrides.stageSeconds ?? folder.manifest?.stageSeconds }),
    evalResults: overrides.results ?? folder.results,
  };
}
