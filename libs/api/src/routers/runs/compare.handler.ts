import { diffConfigs } from '../../compare/config-diff';
import { seedGroups } from '../../compare/seed-groups';
import { describeTestSets } from '../../compare/test-set';
import { requireRunsAccess } from '../../services/access';
import { metricKeySummaries } from '../../services/metric-keys';
import type { UserContext } from '../../trpc/user-context';
import type { CompareInput } from './compare.schema';

/**
 * Runs side by side: their eval results with the test sets named, the runs that are seeds of one config, the
 * single-value metrics (a table) and the curves they share (metrics with more than one point), the config
 * fields that differ.
 */
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
      projectId: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      evalResults: { select: { protocol: true, layer: true, dataset: true, metric: true, value: true } },
    },
  });
  const runs = ids.map((id) => found.find((run) => run.id === id)!);
  const perRunKeys = await Promise.all(ids.map((id) => metricKeySummaries(ctx.db, id)));
  const perRun = perRunKeys.map((keys) => new Set(keys.map((row) => row.key)));
  const allKeys = [...new Set(perRunKeys.flatMap((keys) => keys.map((row) => row.key)))].sort();
  const curveKeys = new Set(perRunKeys.flatMap((keys) => keys.filter((row) => row.points > 1).map((row) => row.key)));
  // A curve is drawn when every run has the metric and at least one run logged it more than once.
  const commonMetricKeys = [...perRun[0]].filter((key) => perRun.every((set) => set.has(key)) && curveKeys.has(key)).sort();
  // Metrics logged once per run (final values): a table, one column per run.
  const summaryMetrics = allKeys
    .filter((key) => !curveKeys.has(key))
    .map((key) => ({ key, values: perRunKeys.map((keys) => keys.find((row) => row.key === key)?.last ?? null) }));
  const datasets = await ctx.db.dataset.findMany({
    where: { projectId: { in: [...new Set(runs.map((run) => run.projectId))] } },
    select: { name: true, location: true, imageCount: true },
  });
  return {
    runs: runs.map(({ config: _config, projectId: _projectId, ...run }) => run),
    configDiff: diffConfigs(runs.map((run) => run.config)),
    commonMetricKeys,
    summaryMetrics,
    seedGroups: seedGroups(runs),
    testSets: describeTestSets(runs.flatMap((run) => run.evalResults.map((result) => result.dataset)), datasets),
  };
}
