import { Prisma } from '@ktlab/db';
import { requireMembership } from '../../services/access';
import { waitingForEach } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import type { EvalField, ListRunsInput } from './list.schema';
import { runFilter } from './run-filter';

const RUN_ROW = {
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
  config: true,
  claimedBy: { select: { name: true } },
  lastWorkerName: true,
  evalResults: { select: { protocol: true, layer: true, metric: true, value: true } },
} as const;

/** One page of ids ordered by an eval result (the best over test sets, or over layers for `best`), runs without it last. */
async function idsByEval(ctx: UserContext, where: Prisma.RunWhereInput, input: ListRunsInput, sortEval: EvalField): Promise<string[]> {
  const matching = (await ctx.db.run.findMany({ where, select: { id: true } })).map((run) => run.id);
  if (matching.length === 0) return [];
  const layer = sortEval.layer === 'best' ? null : sortEval.layer;
  const direction = input.order === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const rows = await ctx.db.$queryRaw<{ id: string }[]>`
    SELECT r.id FROM "Run" r
    LEFT JOIN LATERAL (
      SELECT max(e.value) AS value FROM "EvalResult" e
      WHERE e."runId" = r.id AND e.protocol = ${sortEval.protocol} AND e.metric = ${sortEval.metric} AND (${layer}::text IS NULL OR e.layer = ${layer})
    ) ev ON true
    WHERE r.id = ANY(${matching}::text[])
    ORDER BY ev.value ${direction} NULLS LAST, r.id ${direction}
    LIMIT ${input.pageSize} OFFSET ${input.page * input.pageSize}`;
  return rows.map((row) => row.id);
}

/** The last logged value of each of `keys` per run (a key a run never logged is absent from its record). */
async function lastMetricValues(ctx: UserContext, runIds: string[], keys: string[]): Promise<Map<string, Record<string, number>>> {
  const byRun = new Map<string, Record<string, number>>();
  if (runIds.length === 0 || keys.length === 0) return byRun;
  const rows = await ctx.db.$queryRaw<{ runId: string; key: string; value: number | null }[]>`
    SELECT s."runId", s.key, (SELECT p.value FROM "MetricPoint" p WHERE p."seriesId" = s.id ORDER BY p.step DESC LIMIT 1) AS value
    FROM "MetricSeries" s
    WHERE s."runId" = ANY(${runIds}::text[]) AND s.key = ANY(${keys}::text[])`;
  for (const row of rows) {
    if (row.value === null) continue;
    byRun.set(row.runId, { ...byRun.get(row.runId), [row.key]: row.value });
  }
  return byRun;
}

export async function listRunsHandler({ ctx, input }: { ctx: UserContext; input: ListRunsInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const where = runFilter(project.id, input);
  const [total, runs, datasets] = await Promise.all([
    ctx.db.run.count({ where }),
    input.sortEval
      ? idsByEval(ctx, where, input, input.sortEval).then(async (ids) => {
          const found = await ctx.db.run.findMany({ where: { id: { in: ids } }, select: RUN_ROW });
          return ids.map((id) => found.find((run) => run.id === id)!);
        })
      : ctx.db.run.findMany({
          where,
          orderBy: [{ [input.sort]: input.order }, { id: input.order }],
          skip: input.page * input.pageSize,
          take: input.pageSize,
          select: RUN_ROW,
        }),
    ctx.db.dataset.findMany({ where: { projectId: project.id }, select: { name: true, location: true } }),
  ]);
  const [waiting, lastValues] = await Promise.all([
    waitingForEach(ctx.db, runs.filter((run) => run.status === 'queued').map((run) => run.id)),
    lastMetricValues(ctx, runs.map((run) => run.id), input.metricColumns ?? []),
  ]);
  const datasetName = (config: unknown) => {
    const path = (config as { data?: { path?: string } } | null)?.data?.path;
    return path === undefined ? null : { path, name: datasets.find((dataset) => dataset.location === path)?.name ?? null };
  };
  return {
    total,
    page: input.page,
    pageSize: input.pageSize,
    runs: runs.map((run) => ({ ...run, waitingFor: waiting.get(run.id) ?? null, dataset: datasetName(run.config), metrics: lastValues.get(run.id) ?? {} })),
  };
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
