import { studyTag } from '@ktlab/config';
import { ALPHA, anchorChecks, cellScoresFromRuns, orderingChecks, planStudy, SCALE_NAMES, scaleByName, studyTransferTable, type Summary, type Table } from '@ktlab/study';
import { requireMembership } from '../../services/access';
import { runStatusSchema } from '../runs/list.schema';
import type { UserContext } from '../../trpc/user-context';
import type { StudyOrderingsInput } from './orderings.schema';

/** A side of a comparison, with null for what is undefined (no result: no mean; fewer than 2 seeds: no p). */
function side(side: { label: string; summary: Summary }) {
  const { n, mean, std, values } = side.summary;
  return { label: side.label, n, mean: n ? mean : null, std: n > 1 ? std : null, values };
}

/** Table 3 as plain data: per method, each column's mean ± std over seeds (fractions), n and the column's best. */
function transferRows(table: Table) {
  return {
    title: table.title,
    caption: table.caption,
    columns: table.columns,
    rows: table.rows.map((row, r) => ({
      key: row.key,
      label: row.label,
      reference: row.reference ?? false,
      cells: table.columns.map((_, c) => {
        const summary = table.cells[r]![c];
        return summary ? { mean: summary.mean, std: summary.n > 1 ? summary.std : null, n: summary.n, best: table.best[r]![c] ?? false } : null;
      }),
    })),
  };
}

/**
 * The paper's orderings and the sanity anchors, checked on the project's finished runs of one study (tag
 * `study:<name>`, whether the runs were launched from the portal, by `npm run study -- --portal`, or published with
 * `--publish`): the same Welch tests the study's report runs on its cells (`@ktlab/study`). Each run's
 * `cell:<id>` tag says which cell it is; a cell run twice counts once (its latest finished run).
 */
export async function studyOrderingsHandler({ ctx, input }: { ctx: UserContext; input: StudyOrderingsInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const where = { projectId: project.id, deletedAt: null, tags: { has: studyTag(input.study) } };
  const [runs, byStatus] = await Promise.all([
    ctx.db.run.findMany({
      where: { ...where, status: 'succeeded' },
      select: { id: true, tags: true, config: true, finishedAt: true, evalResults: { select: { protocol: true, layer: true, dataset: true, metric: true, value: true } } },
      orderBy: { createdAt: 'asc' },
    }),
    ctx.db.run.groupBy({ by: ['status'], where, _count: { _all: true } }),
  ]);
  const { cells, superseded, unknown } = cellScoresFromRuns(runs);
  const checks = orderingChecks(cells).map((check) => ({
    claim: check.claim,
    source: check.source,
    relation: check.relation,
    outcome: check.outcome,
    p: Number.isFinite(check.p) ? check.p : null,
    detail: check.detail,
    left: side(check.left),
    right: side(check.right),
  }));
  // The study's design at the scale's own seeds, when the study is a scale: which of its cells have no finished run.
  const scale = (SCALE_NAMES as readonly string[]).includes(input.study) ? scaleByName(input.study) : undefined;
  const finished = new Set(cells.map((cell) => cell.id));
  const pending = scale ? planStudy({ scale, dataRoot: '/' }).cells.map((cell) => cell.id).filter((id) => !finished.has(id)) : null;
  const counts = Object.fromEntries(byStatus.map((row) => [row.status, row._count._all]));
  const transfer = studyTransferTable(cells);
  return {
    study: input.study,
    scale: scale?.name ?? null,
    alpha: ALPHA,
    /** Runs of the study by status (deleted runs left out). */
    runs: Object.fromEntries(runStatusSchema.options.map((status) => [status, counts[status] ?? 0])) as Record<(typeof runStatusSchema.options)[number], number>,
    /** Finished cells the checks count. */
    cells: cells.length,
    superseded: superseded.map((entry) => entry.runId),
    /** Finished runs of the study without a `cell:<id>` tag of the study's design: not counted. */
    unknown,
    pending,
    checks,
    anchors: anchorChecks(cells),
    /** Table 3 analog (classification, detection, segmentation per method) once some run has a dense result. */
    transfer: transfer ? transferRows(transfer) : null,
  };
}
