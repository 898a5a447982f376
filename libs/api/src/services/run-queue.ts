/**
 * The run queue is the Run table: a worker claims the best queued run with `FOR UPDATE SKIP LOCKED`, so two
 * workers never get the same run, and holds it under a lease it renews by heartbeat. A run whose lease
 * expired (its worker died) goes back to the queue with its attempt count kept; the next worker resumes it.
 */
import { describeRequiredWorker } from '@ktlab/config';
import type { Db, Run } from '@ktlab/db';
import { eventPayload, CHANNEL } from '../events/event-hub';
import { parseRequirements, workerMeetsRunRequirements } from './worker-requirements';

export const DEFAULT_LEASE_MS = 30_000;

export function leaseMs(): number {
  return Number(process.env.KTLAB_LEASE_MS ?? DEFAULT_LEASE_MS);
}

export async function notifyRun(db: Db, runId: string, type: 'status' | 'stage' | 'metrics' | 'created', extra: { keys?: string[]; status?: string } = {}) {
  await db.$executeRaw`SELECT pg_notify(${CHANNEL}, ${eventPayload({ type, runId, ...extra })})`;
}

/** Re-queues runs whose worker stopped heart-beating. Returns their ids. */
export async function reapExpiredLeases(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Run" SET status = 'queued', "claimedById" = NULL, "leaseUntil" = NULL
    WHERE status = 'running' AND "leaseUntil" < now()
    RETURNING id`;
  for (const row of rows) await notifyRun(db, row.id, 'status', { status: 'queued' });
  return rows.map((row) => row.id);
}

/** The best queued run whose requirements this worker meets, now leased to it; or undefined. */
export async function claimNextRun(db: Db, workerId: string, lease = leaseMs()): Promise<Run | undefined> {
  await reapExpiredLeases(db);
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Run" SET
      status = 'running',
      "claimedById" = ${workerId},
      "lastWorkerName" = (SELECT name FROM "Worker" WHERE id = ${workerId}),
      attempt = attempt + 1,
      "startedAt" = COALESCE("startedAt", now()),
      "leaseUntil" = now() + make_interval(secs => ${lease / 1000})
    WHERE id = (
      SELECT r.id FROM "Run" r, "Worker" w
      WHERE r.status = 'queued' AND NOT r."cancelRequested"
        AND w.id = ${workerId} AND ${workerMeetsRunRequirements}
      ORDER BY r.priority DESC, r."createdAt" ASC, r.id ASC
      FOR UPDATE OF r SKIP LOCKED
      LIMIT 1
    )
    RETURNING id`;
  const id = claimed[0]?.id;
  if (!id) return undefined;
  await notifyRun(db, id, 'status', { status: 'running' });
  return (await db.run.findUnique({ where: { id } })) ?? undefined;
}

/** Renews the lease of the run a worker holds; false when the worker no longer holds it. */
export async function renewLease(db: Db, workerId: string, runId: string, lease = leaseMs()): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "Run" SET "leaseUntil" = now() + make_interval(secs => ${lease / 1000})
    WHERE id = ${runId} AND "claimedById" = ${workerId} AND status = 'running'`;
  return count === 1;
}

/** Number of queued runs ahead of this one (0 = next to be claimed). */
export async function queuePosition(db: Db, run: Pick<Run, 'id' | 'priority' | 'createdAt' | 'status'>): Promise<number | undefined> {
  if (run.status !== 'queued') return undefined;
  return db.run.count({
    where: {
      status: 'queued',
      cancelRequested: false,
      OR: [
        { priority: { gt: run.priority } },
        { priority: run.priority, createdAt: { lt: run.createdAt } },
        { priority: run.priority, createdAt: run.createdAt, id: { lt: run.id } },
      ],
    },
  });
}

/**
 * Of these runs, the queued ones that no live worker (heart-beating within two lease periods, token not revoked)
 * can execute, each with the worker it waits for in words ("a GPU worker"). One query for a page of runs.
 */
export async function waitingForEach(db: Db, runIds: readonly string[]): Promise<Map<string, string>> {
  if (runIds.length === 0) return new Map();
  const staleAfterSecs = (2 * leaseMs()) / 1000;
  const rows = await db.$queryRaw<{ id: string; requirements: unknown }[]>`
    SELECT r.id, r.config->'requirements' AS requirements FROM "Run" r
    WHERE r.id = ANY(${[...runIds]}) AND r.status = 'queued' AND NOT EXISTS (
      SELECT 1 FROM "Worker" w JOIN "WorkerToken" t ON t.id = w."tokenId"
      WHERE t."revokedAt" IS NULL
        AND w."lastHeartbeat" > now() - make_interval(secs => ${staleAfterSecs})
        AND ${workerMeetsRunRequirements}
    )`;
  return new Map(rows.map((row) => [row.id, describeRequiredWorker(parseRequirements(row.requirements))]));
}

/** The worker a queued run waits for, when no live worker can execute it; undefined otherwise. */
export async function waitingFor(db: Db, run: Pick<Run, 'id' | 'status'>): Promise<string | undefined> {
  if (run.status !== 'queued') return undefined;
  return (await waitingForEach(db, [run.id])).get(run.id);
}
