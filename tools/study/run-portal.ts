/**
 * Runs a study's cells as portal runs: signs in as a user (tRPC `auth.signIn`, session cookie), creates one run
 * per cell tagged `study:<scale>` (so the portal's benchmark view shows the same tables), waits for the workers
 * to finish them, and writes each finished run's eval results into the cell's local folder (`cell.json`) so the
 * report is written the same way as for local runs. Re-running finds the cells' runs by their tags instead of
 * creating them again.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { signIn } from '@ktlab/publish';
import { cellResult, configHash, portalMethod, studyRunName, studyTags, type CellResult, type StudyPlan } from '@ktlab/study';
import { readCellResult, writeCellResult } from './cell-files';
import { formatDuration } from './eta';

export interface PortalRunOptions {
  plan: StudyPlan;
  studyDir: string;
  portalUrl: string;
  email?: string;
  password?: string;
  projectSlug?: string;
  signal: AbortSignal;
  pollMs?: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function runOnPortal(options: PortalRunOptions): Promise<void> {
  const { plan, studyDir, signal } = options;
  const scale = plan.scale.name;
  const { client, email } = await signIn({ portalUrl: options.portalUrl, email: options.email, password: options.password });
  console.log(`study ${scale}: signed in to ${options.portalUrl} as ${email}`);

  const runIds = new Map<string, string>();
  for (const cell of plan.cells) {
    const dir = join(studyDir, cell.id);
    const done = readCellResult(dir);
    if (done && done.configHash === configHash(cell.config)) continue;
    const tags = studyTags(scale, cell);
    const existing = await client.runs.list.query({ ...(options.projectSlug ? { projectSlug: options.projectSlug } : {}), tags, pageSize: 10 });
    const reusable = existing.runs.find((run) => run.status !== 'failed' && run.status !== 'cancelled');
    if (reusable) {
      runIds.set(cell.id, reusable.id);
      continue;
    }
    const created = await client.runs.create.mutate({
      ...(options.projectSlug ? { projectSlug: options.projectSlug } : {}),
      name: studyRunName(scale, cell),
      method: portalMethod(cell),
      tags,
      config: cell.config,
    });
    runIds.set(cell.id, created.id);
    console.log(`${cell.id}: created run ${created.name} (${created.id})`);
  }

  if (runIds.size === 0) {
    console.log(`study ${scale}: every cell already has its results in ${studyDir}`);
    return;
  }
  const cellsById = new Map(plan.cells.map((cell) => [cell.id, cell]));
  const bar = new cliProgress.SingleBar({ format: ' portal |{bar}| {value}/{total} runs | {message}', noTTYOutput: true, notTTYSchedule: 30_000 }, cliProgress.Presets.shades_classic);
  bar.start(runIds.size, 0, { message: 'waiting for workers' });
  const started = Date.now();
  const pending = new Set(runIds.keys());
  try {
    while (pending.size && !signal.aborted) {
      for (const cellId of [...pending]) {
        const run = await client.runs.get.query({ id: runIds.get(cellId)! });
        if (!TERMINAL.has(run.status)) continue;
        pending.delete(cellId);
        bar.increment();
        if (run.status !== 'succeeded') {
          bar.update({ message: `${cellId}: ${run.status}${run.error ? ` (${String(run.error).slice(0, 80)})` : ''}` });
          continue;
        }
        const cell = cellsById.get(cellId)!;
        const dir = join(studyDir, cellId);
        mkdirSync(dir, { recursive: true });
        const startedAt = run.startedAt ?? run.createdAt;
        const finishedAt = run.finishedAt ?? new Date();
        writeCellResult(dir, cellResult(cell, {
          results: run.evalResults.map((r) => ({ protocol: r.protocol as CellResult['results'][number]['protocol'], layer: r.layer, dataset: r.dataset, metric: r.metric, value: r.value })),
          wallSeconds: Math.max(0, (finishedAt.getTime() - startedAt.getTime()) / 1000),
          stageSeconds: {},
          reused: [],
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          machine: {
            cpuModel: run.claimedBy?.host ?? 'unknown worker',
            cores: 0,
            loadAverage: 0,
            backend: run.claimedBy?.backend ?? 'unknown',
            where: options.portalUrl,
          },
          portalRunId: run.id,
        }));
      }
      const finished = runIds.size - pending.size;
      const elapsed = (Date.now() - started) / 1000;
      bar.update({ message: finished ? `ETA ${formatDuration((elapsed / finished) * pending.size)}` : 'waiting for workers' });
      if (pending.size) await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 10_000));
    }
  } finally {
    bar.stop();
  }
}
