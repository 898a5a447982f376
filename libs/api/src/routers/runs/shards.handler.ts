import { SHARD_KINDS } from '@ktlab/config';
import { requireRunAccess } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { RunIdInput } from './get.schema';

/** Shard kinds in reverse pipeline order: what a run does last is shown first. */
const LATEST_FIRST: readonly string[] = [...SHARD_KINDS].reverse();

/**
 * A run's shard tasks (scale-out) grouped by stage step: how many are done, running (and on which
 * workers), queued or failed; the latest steps first.
 */
export async function runShardsHandler({ ctx, input }: { ctx: UserContext; input: RunIdInput }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.id);
  const rows = await ctx.db.shardTask.groupBy({
    by: ['kind', 'iteration', 'status', 'claimedById'],
    where: { runId: input.id },
    _count: { _all: true },
  });
  const workerIds = [...new Set(rows.map((row) => row.claimedById).filter((id): id is string => id !== null))];
  const workers = new Map(
    (await ctx.db.worker.findMany({ where: { id: { in: workerIds } }, select: { id: true, name: true } })).map((w) => [w.id, w.name]),
  );
  type Step = { kind: string; iteration: number; queued: number; running: number; succeeded: number; failed: number; byWorker: Record<string, number> };
  const steps = new Map<string, Step>();
  for (const row of rows) {
    const key = `${row.kind}/${row.iteration}`;
    const step = steps.get(key) ?? { kind: row.kind, iteration: row.iteration, queued: 0, running: 0, succeeded: 0, failed: 0, byWorker: {} };
    step[row.status] += row._count._all;
    if (row.claimedById && row.status !== 'queued') {
      const name = workers.get(row.claimedById) ?? row.claimedById;
      step.byWorker[name] = (step.byWorker[name] ?? 0) + row._count._all;
    }
    steps.set(key, step);
  }
  return [...steps.values()].sort((a, b) => LATEST_FIRST.indexOf(a.kind) - LATEST_FIRST.indexOf(b.kind) || b.iteration - a.iteration);
}
