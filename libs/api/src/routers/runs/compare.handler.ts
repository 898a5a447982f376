import { diffConfigs } from '../../compare/config-diff';
import { seedGroups } from '../../compare/seed-groups';
import { sharedMetrics } from '../../compare/shared-metrics';
import { describeTestSets } from '../../compare/test-set';
import { requireRunsAccess } from '../../services/access';
import { metricKeySummariesOfRuns } from '../../services/metric-keys';
import type { UserContext } from '../../trpc/user-context';
import type { CompareInput } from './compare.schema';

/**
 * Runs side by side: their eval results with the test sets named, the runs that are seeds of one config, the
 * single-value metrics (a table) and the curves they share (metrics with more than one point), the config
 * fields that differ. The curves' series come from runs.compareSeries, which the page asks for at the same time.
 */
export async function compareRunsHandler({ ctx, input }: { ctx: UserContext; input: CompareInput }) {
  const ids = [...new Set(input.ids)];
  await requireRunsAccess(ctx.db, ctx.user.id, ids);
  const [found, perRunKeys] = await Promise.all([
    ctx.db.run.findMany({
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
    }),
    metricKeySummariesOfRuns(ctx.db, ids),
  ]);
  const runs = ids.map((id) => found.find((run) => run.id === id)!);
  const { curveKeys, summaryMetrics } = sharedMetrics(perRunKeys);
  const datasets = await ctx.db.dataset.findMany({
    where: { projectId: { in: [...new Set(runs.map((run) => run.projectId))] } },
    select: { name: true, location: true, imageCount: true },
  });
  return {
    runs: runs.map(({ config: _config, projectId: _projectId, ...run }) => run),
    configDiff: diffConfigs(runs.map((run) => run.config)),
    commonMetricKeys: curveKeys,
    summaryMetrics,
    seedGroups: seedGroups(runs),
    testSets: describeTestSets(runs.flatMap((run) => run.evalResults.map((result) => result.dataset)), datasets),
  };
}
