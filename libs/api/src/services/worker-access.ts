import { TRPCError } from '@trpc/server';
import type { Db } from '@ktlab/db';

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
