/**
 * How long the portal keeps runs' checkpoint copies (apps/trainer/src/checkpoint-sync.ts), which can be large:
 *  - a succeeded run's copy is deleted `KTLAB_CHECKPOINT_RETENTION_HOURS` (default 24; 0 = at once) after it
 *    finished — its results, figures and metrics stay;
 *  - a failed or cancelled run keeps its copy, so it can be inspected or resumed, until the run is deleted;
 *  - a deleted (trashed) run loses its copy at once (it cannot run again; restoring it brings back its
 *    results, not its checkpoints).
 * Queued and running runs are never touched: their copy is what the next attempt resumes from.
 *
 * Shard files (a sharded stage's per-shard features, k-means partials and assignments; kind 'shard') are
 * intermediates of their run: they go as soon as the run succeeded or was deleted. A failed or cancelled run
 * keeps them, since resuming it from its checkpoint reads the feature shards again.
 */
import type { Db, Prisma } from '@ktlab/db';
import { removeArtifactFile } from './artifact-store';

export const DEFAULT_CHECKPOINT_RETENTION_HOURS = 24;

/** The retention of succeeded runs' checkpoint copies, in milliseconds. */
export function checkpointRetentionMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KTLAB_CHECKPOINT_RETENTION_HOURS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_CHECKPOINT_RETENTION_HOURS * 3_600_000;
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours < 0) {
    throw new Error(`KTLAB_CHECKPOINT_RETENTION_HOURS must be a number of hours ≥ 0 (0 = delete at once), got "${raw}"`);
  }
  return hours * 3_600_000;
}

export interface RetentionReport {
  /** Runs whose checkpoint copy was deleted. */
  runs: string[];
  /** Checkpoint files deleted (rows and files). */
  files: number;
}

/** The runs whose checkpoint copy the policy no longer keeps (never a queued or running one). */
function expiredRuns(now: Date, retentionMs: number): Prisma.RunWhereInput {
  return {
    OR: [
      { status: 'succeeded', finishedAt: { lte: new Date(now.getTime() - retentionMs) } },
      { deletedAt: { not: null }, status: { notIn: ['queued', 'running'] } },
    ],
  };
}

async function deleteFiles(db: Db, kind: 'checkpoint' | 'shard', run: Prisma.RunWhereInput): Promise<RetentionReport> {
  const expired = await db.artifact.findMany({ where: { kind, run }, select: { id: true, uri: true, runId: true } });
  // rows first: a row never points at a missing file, while a file without a row is harmless
  if (expired.length) await db.artifact.deleteMany({ where: { id: { in: expired.map((a) => a.id) } } });
  for (const artifact of expired) await removeArtifactFile(artifact.uri);
  return { runs: [...new Set(expired.map((a) => a.runId))], files: expired.length };
}

/** Deletes every checkpoint copy the policy no longer keeps; safe to run at any time, from any process. */
export function pruneCheckpointCopies(db: Db, options: { now?: Date; retentionMs?: number } = {}): Promise<RetentionReport> {
  return deleteFiles(db, 'checkpoint', expiredRuns(options.now ?? new Date(), options.retentionMs ?? checkpointRetentionMs()));
}

/**
 * The same, limited to some runs, for the moments a run becomes eligible: when it is deleted, and when it
 * succeeds with a retention of 0.
 */
export function pruneCheckpointCopiesOf(db: Db, runIds: string[], options: { now?: Date; retentionMs?: number } = {}): Promise<RetentionReport> {
  return deleteFiles(db, 'checkpoint', { id: { in: runIds }, ...expiredRuns(options.now ?? new Date(), options.retentionMs ?? checkpointRetentionMs()) });
}

/** The runs whose shard files nobody reads again: succeeded, or deleted and not executing. */
const doneWithShards: Prisma.RunWhereInput = {
  OR: [{ status: 'succeeded' }, { deletedAt: { not: null }, status: { notIn: ['queued', 'running'] } }],
};

/** Deletes the shard files of runs that are done with them (of `runIds` only, when given). */
export function pruneShardFiles(db: Db, runIds?: string[]): Promise<RetentionReport> {
  return deleteFiles(db, 'shard', runIds ? { id: { in: runIds }, ...doneWithShards } : doneWithShards);
}

/**
 * Applies the policy on a timer (and once at start); a failed pass (database away) is retried on the next
 * tick. `KTLAB_CHECKPOINT_RETENTION_HOURS=0` also prunes each succeeded run's copy as it finishes (finish handler).
 */
export function startCheckpointRetention(db: Db, options: { intervalMs?: number; log?: (message: string) => void } = {}): { stop(): void } {
  const retentionMs = checkpointRetentionMs(); // a bad setting fails at start, not silently later
  let busy = false;
  const pass = () => {
    if (busy) return;
    busy = true;
    pruneCheckpointCopies(db, { retentionMs })
      .then(async (report) => {
        if (report.files) options.log?.(`checkpoint retention: ${report.files} checkpoint file(s) of ${report.runs.length} run(s) removed`);
        const shards = await pruneShardFiles(db);
        if (shards.files) options.log?.(`shard files: ${shards.files} file(s) of ${shards.runs.length} finished run(s) removed`);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(pass, options.intervalMs ?? 10 * 60_000);
  timer.unref();
  pass();
  return { stop: () => clearInterval(timer) };
}
