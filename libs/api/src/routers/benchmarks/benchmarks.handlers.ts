import { ablationOfTag, MAIN_GROUP, presets, studyOfTag, studyTag } from '@ktlab/config';
import { benchmarkToCsv, benchmarkToMarkdown } from '../../benchmarks/benchmark-export';
import { buildBenchmarkTable, metricHigherIsBetter, orderColumns } from '../../benchmarks/benchmark-table';
import { sweepPointLabels } from '../../benchmarks/sweep-points';
import { describeTestSets } from '../../compare/test-set';
import { requireMembership } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { BenchmarkOptionsInput, BenchmarkTableInput } from './benchmarks.schema';

/** The runs a benchmark table counts: the project's finished runs, of one study and / or one sweep if given. */
function benchmarkRuns(projectId: string, study: string | undefined, sweep?: string) {
  return { projectId, status: 'succeeded' as const, deletedAt: null, ...(study ? { tags: { has: studyTag(study) } } : {}), ...(sweep ? { sweepId: sweep } : {}) };
}

/**
 * What the project's finished runs were evaluated on: the choices offered by the benchmarks page, for the
 * runs of `study` if given. `studies` lists every study with evaluated runs, whatever `study` is.
 */
export async function benchmarkOptionsHandler({ ctx, input }: { ctx: UserContext; input: BenchmarkOptionsInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const [rows, evaluatedRuns, registered] = await Promise.all([
    ctx.db.evalResult.groupBy({
      by: ['protocol', 'dataset', 'metric', 'layer'],
      where: { run: benchmarkRuns(project.id, input.study, input.sweep) },
    }),
    ctx.db.run.findMany({ where: { ...benchmarkRuns(project.id, undefined), evalResults: { some: {} } }, select: { tags: true } }),
    ctx.db.dataset.findMany({ where: { projectId: project.id }, select: { name: true, location: true, imageCount: true } }),
  ]);
  const distinct = (pick: (row: (typeof rows)[number]) => string) => [...new Set(rows.map(pick))].sort();
  const studies = new Set(evaluatedRuns.flatMap((run) => run.tags.map(studyOfTag).filter((study) => study !== undefined)));
  return {
    protocols: orderColumns(distinct((r) => r.protocol)),
    datasets: distinct((r) => r.dataset),
    /** The datasets by registered name, with their sizes (the `datasets` values stay the keys to ask for). */
    testSets: describeTestSets(distinct((r) => r.dataset), registered),
    metrics: distinct((r) => r.metric),
    layers: orderColumns(distinct((r) => r.layer)),
    studies: [...studies].sort(),
  };
}

export async function benchmarkTableHandler({ ctx, input }: { ctx: UserContext; input: BenchmarkTableInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const results = await ctx.db.evalResult.findMany({
    where: {
      dataset: input.dataset,
      metric: input.metric,
      ...(input.columns.by === 'layer' ? { protocol: input.columns.protocol } : { layer: input.columns.layer }),
      run: benchmarkRuns(project.id, input.study, input.sweep),
    },
    select: { layer: true, protocol: true, value: true, runId: true, run: { select: { method: true, tags: true } } },
  });
  // A sweep's runs share a method: its rows are the combinations of swept values instead (seeds averaged).
  const pointOf = new Map<string, string>();
  if (input.sweep) {
    const runs = await ctx.db.run.findMany({ where: benchmarkRuns(project.id, input.study, input.sweep), select: { id: true, method: true, config: true } });
    const methodOf = new Map(runs.map((run) => [run.id, run.method]));
    for (const [runId, label] of sweepPointLabels(runs)) pointOf.set(runId, label || (methodOf.get(runId) ?? ''));
  }
  const rowOf = (runId: string, method: string) => pointOf.get(runId) ?? method;
  // A method's runs tagged `ablation:<name>` (the study's Tables 1–2 cells) form their own group of rows.
  const ablationOf = new Map<string, string>();
  for (const { run } of input.sweep ? [] : results) {
    const ablation = run.tags.map(ablationOfTag).find((name) => name !== undefined);
    if (ablation && !ablationOf.has(run.method)) ablationOf.set(run.method, ablation);
  }
  const table = buildBenchmarkTable(
    results.map((r) => ({ method: rowOf(r.runId, r.run.method), column: input.columns.by === 'layer' ? r.layer : r.protocol, runId: r.runId, value: r.value })),
    {
      methodOrder: presets.map((p) => p.id),
      higherIsBetter: metricHigherIsBetter(input.metric),
      referenceMethods: new Set(presets.filter((p) => p.reference).map((p) => p.id)),
      groupOf: (method) => ablationOf.get(method) ?? MAIN_GROUP,
    },
  );
  const methodNames: Record<string, string> = Object.fromEntries(presets.map((p) => [p.id, p.name]));
  for (const label of pointOf.values()) methodNames[label] ??= label;
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
