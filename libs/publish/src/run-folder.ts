/**
 * A finished run folder as the pipeline leaves it: `config.json`, `results.json` (the eval results),
 * `stages/<kind>.json` (one record per finished stage) and, from `ktlab run`, `run.json`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { evalResultSchema, runConfigSchema, WORKER_STAGE_KINDS, type EvalResult, type RunConfig, type WorkerStageKind } from '@ktlab/config';
import { readRunManifest, type RunManifest } from './run-manifest';

const stageRecordSchema = z.object({ kind: z.enum(WORKER_STAGE_KINDS), finishedAt: z.iso.datetime() });
export interface StageRecord {
  kind: WorkerStageKind;
  finishedAt: Date;
}

export interface RunFolder {
  dir: string;
  config: RunConfig;
  results: EvalResult[];
  /** Finished stages, in the order they finished. */
  stages: StageRecord[];
  manifest?: RunManifest;
  /** From run.json; else when config.json was written (the run's start). */
  startedAt: Date;
  /** From run.json; else when results.json was written (the run's end). */
  finishedAt: Date;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
}

export function readRunFolder(dir: string): RunFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const configFile = join(dir, 'config.json');
  const resultsFile = join(dir, 'results.json');
  if (!existsSync(configFile)) throw new Error(`${dir} has no config.json: not a ktlab run folder`);
  if (!existsSync(resultsFile)) throw new Error(`${dir} has no results.json: the run has not finished (run it again with the same command to resume it)`);
  const config = runConfigSchema.safeParse(readJson(configFile));
  if (!config.success) throw new Error(`${configFile} is not a valid run config: ${issues(config.error)}`);
  const results = z.array(evalResultSchema).safeParse(readJson(resultsFile));
  if (!results.success) throw new Error(`${resultsFile} is not a list of eval results: ${issues(results.error)}`);

  const stagesDir = join(dir, 'stages');
  const stages: StageRecord[] = [];
  if (existsSync(stagesDir)) {
    for (const name of readdirSync(stagesDir).filter((file) => file.endsWith('.json')).sort()) {
      const record = stageRecordSchema.safeParse(readJson(join(stagesDir, name)));
      if (!record.success) throw new Error(`${join(stagesDir, name)} is not a stage record: ${issues(record.error)}`);
      stages.push({ kind: record.data.kind, finishedAt: new Date(record.data.finishedAt) });
    }
  }
  stages.sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
  const manifest = readRunManifest(dir);
  return {
    dir,
    config: config.data,
    results: results.data,
    stages,
    ...(manifest ? { manifest } : {}),
    startedAt: manifest ? new Date(manifest.startedAt) : statSync(configFile).mtime,
    finishedAt: manifest ? new Date(manifest.finishedAt) : statSync(resultsFile).mtime,
  };
}
