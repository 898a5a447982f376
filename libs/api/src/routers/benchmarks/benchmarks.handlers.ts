import { presets } from '@ktlab/config';
import { benchmarkToCsv, benchmarkToMarkdown } from '../../benchmarks/benchmark-export';
import { buildBenchmarkTable, metricHigherIsBetter, orderColumns } from '../../benchmarks/benchmark-table';
import { requireMembership } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { BenchmarkOptionsInput, BenchmarkTableInput } from './benchmarks.schema';

const finishedRun = { status: 'succeeded' as const, deletedAt: null };

/** What the project's finished runs were evaluated on: the choices offered by the benchmarks page. */
export async function benchmarkOptionsHandler({ ctx, input }: { ctx: UserContext; input: BenchmarkOptionsInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const rows = await ctx.db.evalResult.groupBy({
    by: ['protocol', 'dataset', 'metric', 'layer'],
    where: { run: { projectId: project.id, ...finishedRun } },
  });
  const distinct = (pick: (row: (typeof rows)[number]) => string) => [...new Set(rows.map(pick))].sort();
  return {
    protocols: orderColumns(distinct((r) => r.protocol)),
    datasets: distinct((r) => r.dataset),
    metrics: distinct((r) => r.metric),
    layers: orderColumns(distinct((r) => r.layer)),
  };
}

export async function benchmarkTableHandler({ ctx, input }: { ctx: UserContext; input: BenchmarkTableInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const results = await ctx.db.evalResult.findMany({
    where: {
      dataset: input.dataset,
      metric: input.metric,
      ...(input.columns.by === 'layer' ? { protocol: input.columns.protocol } : { layer: input.columns.layer }),
      run: { projectId: project.id, ...finishedRun },
    },
    select: { layer: true, protocol: true, value: true, runId: true, run: { select: { method: true } } },
  });
  const table = buildBenchmarkTable(
    results.map((r) => ({ method: r.run.method, column: input.columns.by === 'layer' ? r.layer : r.protocol, runId: r.runId, value: r.value })),
    { methodOrder: presets.map((p) => p.id), higherIsBetter: metricHigherIsBetter(input.metric) },
  );
  const methodNames = Object.fromEntries(presets.map((p) => [p.id, p.name]));
  // Accuracies are stored as fractions; tables show percentages like the paper.
  const scale = table.rows.every((row) => Object.values(row.cells).every((cell) => !cell || Math.abs(cell.mean) <= 1)) ? 100 : 1;
  return {
    ...table,
    methodNames,
    scale,
    csv: benchmarkToCsv(table, methodNames),
    markdown: benchmarkToMarkdown(table, { methodNames, scale, digits: 1 }),
  };
}
