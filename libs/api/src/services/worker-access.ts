import { TRPCError } from '@trpc/server';
import { type Db, pgPool } from '@ktlab/db/client';

/** The worker row, checked to belong to the presented token. */
export async function requireWorker(db: Db, tokenId: string, workerId: string) {
  const worker = await db.worker.findUnique({ where: { id: workerId } });
  if (!worker || worker.tokenId !== tokenId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `worker ${workerId} is not registered with this token` });
  }
  return worker;
}

/** The run, checked to be held by this worker right now. */
export async function requireHeldRun(db: Db, workerId: string, runId: string) {
  const run = await db.run.findUnique({ where: { id: runId } });
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${runId} not found` });
  if (run.claimedById !== workerId || run.status !== 'running') {
    throw new TRPCError({
      code: 'CONFLICT',
      message: `run ${runId} is not held by this worker (status ${run.status}); it was re-queued or finished`,
    });
  }
  return run;
}

/**
 * requireWorker and requireHeldRun in one round trip, straight through node-postgres (a metric batch's path,
 * taken hundreds of times a second under load, where each Prisma query costs a millisecond of CPU or more).
 * Refuses with the same errors.
 */
export async function requireWorkerHoldingRun(db: Db, tokenId: string, workerId: string, runId: string): Promise<void> {
  const { rows } = await pgPool(db).query<{ tokenId: string | null; runFound: boolean; status: string | null; claimedById: string | null }>({
    name: 'ktlab-worker-holding-run',
    text: `
      SELECT w."tokenId", r.id IS NOT NULL AS "runFound", r.status::text AS status, r."claimedById"
      FROM (SELECT 1) AS one LEFT JOIN "Worker" w ON w.id = $1 LEFT JOIN "Run" r ON r.id = $2`,
    values: [workerId, runId],
  });
  const [row] = rows;
  if (row.tokenId !== tokenId) throw new TRPCError({ code: 'FORBIDDEN', message: `worker ${workerId} is not registered with this token` });
  if (!row.runFound) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${runId} not found` });
  if (row.claimedById !== workerId || row.status !== 'running') {
    throw new TRPCError({
      code: 'CONFLICT',
      message: `run ${runId} is not held by this worker (status ${row.status}); it was re-queued or finished`,
    });
  }
}
