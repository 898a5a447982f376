import { requireMembership } from '../../services/access';
import { waitingForEach } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import type { ListRunsInput } from './list.schema';
import { runFilter } from './run-filter';

export async function listRunsHandler({ ctx, input }: { ctx: UserContext; input: ListRunsInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const where = runFilter(project.id, input);
  const [total, runs] = await Promise.all([
    ctx.db.run.count({ where }),
    ctx.db.run.findMany({
      where,
      orderBy: [{ [input.sort]: input.order }, { id: input.order }],
      skip: input.page * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        name: true,
        method: true,
        status: true,
        attempt: true,
        tags: true,
        sweepId: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        deletedAt: true,
        importedFrom: true,
        error: true,
        claimedBy: { select: { name: true } },
      },
    }),
  ]);
  const waiting = await waitingForEach(ctx.db, runs.filter((run) => run.status === 'queued').map((run) => run.id));
  return { total, page: input.page, pageSize: input.pageSize, runs: runs.map((run) => ({ ...run, waitingFor: waiting.get(run.id) ?? null })) };
}

/** Run counts per method and status under the same filters: the runs table's "group by method" view. */
export async function runGroupsHandler({ ctx, input }: { ctx: UserContext; input: ListRunsInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const rows = await ctx.db.run.groupBy({ by: ['method', 'status'], where: runFilter(project.id, input), _count: { _all: true } });
  const groups = new Map<string, { method: string; total: number; byStatus: Record<string, number> }>();
  for (const row of rows) {
    const group = groups.get(row.method) ?? { method: row.method, total: 0, byStatus: {} };
    group.total += row._count._all;
    group.byStatus[row.status] = row._count._all;
    groups.set(row.method, group);
  }
  return [...groups.values()].sort((a, b) => b.total - a.total || a.method.localeCompare(b.method));
}
