/**
 * Shard tasks: the parts of one run's stage (feature extraction of a row range, a k-means map step, the final
 * assignment) that any worker may execute. The worker holding the run enqueues them and reduces their
 * outputs; workers claim them with `FOR UPDATE SKIP LOCKED` exactly as they claim runs, under a lease they
 * renew. A worker that dies mid-shard loses only that shard: its lease expires and the shard is queued again.
 */
import type { Db, Prisma } from '@ktlab/db';
import { leaseMs } from './run-queue';
import { workerMeetsRunRequirements } from './worker-requirements';

/** A shard whose executions failed this many times fails for good (and with it, its run). */
export const MAX_SHARD_ATTEMPTS = 3;

export interface ShardSpec {
  shard: number;
  input: Prisma.InputJsonValue;
}

export interface ShardKey {
  runId: string;
  kind: string;
  iteration: number;
}

/** Adds the shards not already present: re-enqueueing after a coordinator restart changes nothing. */
export async function enqueueShards(db: Db, key: ShardKey, shards: readonly ShardSpec[]): Promise<number> {
  const created = await db.shardTask.createMany({
    data: shards.map(({ shard, input }) => ({ ...key, shard, input })),
    skipDuplicates: true,
  });
  return created.count;
}

/** Shards whose worker stopped renewing the lease go back to `queued`; returns how many. */
export async function reapExpiredShardLeases(db: Db): Promise<number> {
  return db.$executeRaw`
    UPDATE "ShardTask" SET status = 'queued', "claimedById" = NULL, "leaseUntil" = NULL
    WHERE status = 'running' AND "leaseUntil" < now()`;
}

/**
 * The oldest queued shard of a running, not-cancelled run whose requirements this worker meets (of `runId`
 * only, when given: a run's own worker works on its run while it waits), now leased to this worker; or undefined.
 */
export async function claimNextShard(db: Db, workerId: string, options: { runId?: string; lease?: number } = {}) {
  const { runId = null, lease = leaseMs() } = options;
  await reapExpiredShardLeases(db);
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE "ShardTask" SET
      status = 'running',
      "claimedById" = ${workerId},
      attempt = attempt + 1,
      "startedAt" = now(),
      "leaseUntil" = now() + make_interval(secs => ${lease / 1000})
    WHERE id = (
      SELECT t.id FROM "ShardTask" t JOIN "Run" r ON r.id = t."runId" JOIN "Worker" w ON w.id = ${workerId}
      WHERE t.status = 'queued' AND r.status = 'running' AND NOT r."cancelRequested"
        AND (${runId}::text IS NULL OR t."runId" = ${runId})
        AND ${workerMeetsRunRequirements}
      ORDER BY t."createdAt" ASC, t.iteration ASC, t.shard ASC, t.id ASC
      FOR UPDATE OF t SKIP LOCKED
      LIMIT 1
    )
    RETURNING id`;
  const id = claimed[0]?.id;
  if (!id) return undefined;
  return db.shardTask.findUniqueOrThrow({ where: { id }, include: { run: { select: { id: true, config: true, attempt: true } } } });
}

/** Renews the leases of the given shards this worker still holds; returns the ids it holds. */
export async function renewShardLeases(db: Db, workerId: string, taskIds: readonly string[], lease = leaseMs()): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "ShardTask" SET "leaseUntil" = now() + make_interval(secs => ${lease / 1000})
    WHERE id = ANY(${[...taskIds]}) AND "claimedById" = ${workerId} AND status = 'running'
    RETURNING id`;
  return rows.map((row) => row.id);
}

export type ShardOutcome = { outcome: 'succeeded'; output: string } | { outcome: 'failed'; error: string };

/**
 * Records a shard's result. Only the worker holding the shard may do so: a worker whose lease expired (and whose
 * shard may already run elsewhere) is told so instead. A failure queues the shard again until it has failed
 * MAX_SHARD_ATTEMPTS times.
 */
export async function finishShard(db: Db, workerId: string, taskId: string, result: ShardOutcome): Promise<'recorded' | 'not-held'> {
  const task = await db.shardTask.findUnique({ where: { id: taskId } });
  if (!task || task.claimedById !== workerId || task.status !== 'running') return 'not-held';
  const data: Prisma.ShardTaskUpdateManyMutationInput =
    result.outcome === 'succeeded'
      ? { status: 'succeeded', output: result.output, error: null, finishedAt: new Date(), leaseUntil: null }
      : task.attempt >= MAX_SHARD_ATTEMPTS
        ? { status: 'failed', error: result.error, finishedAt: new Date(), leaseUntil: null }
        : { status: 'queued', error: result.error, leaseUntil: null };
  const updated = await db.shardTask.updateMany({
    where: { id: taskId, claimedById: workerId, status: 'running' },
    data: { ...data, ...(data.status === 'queued' ? { claimedById: null } : {}) },
  });
  return updated.count === 1 ? 'recorded' : 'not-held';
}

/** Every shard of one stage step, in shard order, for the worker that reduces them. */
export async function listShards(db: Db, key: ShardKey) {
  return db.shardTask.findMany({
    where: key,
    orderBy: { shard: 'asc' },
    select: { id: true, shard: true, status: true, attempt: true, output: true, error: true, claimedById: true },
  });
}
