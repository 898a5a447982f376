import { diffConfigs } from '../../compare/config-diff';
import { requireRunsAccess } from '../../services/access';
import { metricKeys } from '../../services/metric-ingest';
import type { UserContext } from '../../trpc/user-context';
import type { CompareInput } from './compare.schema';

/** Runs side by side: the config fields that differ, the metric keys they share, their eval results. */
export async function compareRunsHandler({ ctx, input }: { ctx: UserContext; input: CompareInput }) {
  const ids = [...new Set(input.ids)];
  await requireRunsAccess(ctx.db, ctx.user.id, ids);
  const found = await ctx.db.run.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      name: true,
      method: true,
      status: true,
      config: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      evalResults: { select: { protocol: true, layer: true, dataset: true, metric: true, value: true } },
    },
  });
  const runs = ids.map((id) => found.find((run) => run.id === id)!);
  const keys = await metricKeys(ctx.db, ids);
  const keysOf = (runId: string) => new Set(keys.filter((row) => row.runId === runId).map((row) => row.key));
  const perRun = ids.map(keysOf);
  const commonMetricKeys = [...perRun[0]].filter((key) => perRun.every((set) => set.has(key))).sort();
  return {
    runs: runs.map(({ config: _config, ...run }) => run),
    configDiff: diffConfigs(runs.map((run) => run.config)),
    commonMetricKeys,
  };
}
