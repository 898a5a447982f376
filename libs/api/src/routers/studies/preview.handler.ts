import { findPreset } from '@ktlab/config';
import { requireMembership } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import { existingCellRuns, launchPlan } from './launch-plan';
import type { StudyLaunchInput } from './launch.schema';

/** What `studies.launch` with this input would do: the plan's cells, those that already have a run, those it would queue. */
export async function studyPreviewHandler({ ctx, input }: { ctx: UserContext; input: StudyLaunchInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const plan = launchPlan(input);
  const existing = await existingCellRuns(ctx.db, project.id, plan);
  const seeds = new Set(plan.cells.map((cell) => cell.seed)).size;
  return {
    scale: plan.scale.name,
    description: plan.scale.description,
    dataRoot: plan.dataRoot,
    seeds,
    defaultSeeds: plan.scale.seeds,
    /** Every row of the scale; `only` picks among them. */
    rows: plan.scale.rows.map((row) => ({ id: row, name: findPreset(row).name })),
    cells: plan.cells.length,
    existing: existing.size,
    toQueue: plan.cells.length - existing.size,
    /** The scale's projection for its whole design on a 2-core CPU (minutes; 0 when not measured). */
    projectedMinutes: plan.scale.projectedMinutes,
  };
}
