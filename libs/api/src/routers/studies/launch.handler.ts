import { runConfigInputSchema } from '@ktlab/config';
import type { Prisma } from '@ktlab/db';
import { portalMethod, studyRunName, studyTags } from '@ktlab/study';
import { requireMembership } from '../../services/access';
import { notifyRun } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import { assertStudyDataInRoots, existingCellRuns, launchPlan, studyLaunchLockKey } from './launch-plan';
import type { StudyLaunchInput } from './launch.schema';

/**
 * Queues one run per planned cell that has none yet, named, tagged and configured exactly as
 * `npm run study -- --portal` creates them (`study-<scale>-<cell>`, tags `study:<scale>`, `cell:<id>`, `cfg:<hash>`),
 * so the CLI and the portal find each other's runs. Launching again creates nothing for a cell that has a run;
 * two launches at once are serialised per project and study by a transaction-scoped advisory lock.
 */
export async function studyLaunchHandler({ ctx, input }: { ctx: UserContext; input: StudyLaunchInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const plan = launchPlan(input);
  const scale = plan.scale.name;
  // The stored config is what runs.create stores for the CLI's request: the cell's config through the input schema.
  const configs = new Map(plan.cells.map((cell) => [cell.id, runConfigInputSchema.parse(cell.config)]));
  await assertStudyDataInRoots(plan, [...configs.values()]);
  const { created, existing } = await ctx.db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${studyLaunchLockKey(project.id, scale)}))`;
      const found = await existingCellRuns(tx, project.id, plan);
      const missing = plan.cells.filter((cell) => !found.has(cell.id));
      const runs = await tx.run.createManyAndReturn({
        data: missing.map((cell) => ({
          projectId: project.id,
          name: studyRunName(scale, cell),
          method: portalMethod(cell),
          tags: studyTags(scale, cell),
          config: configs.get(cell.id) as Prisma.InputJsonValue,
        })),
        select: { id: true, name: true },
      });
      // names are unique within a study (`study-<scale>-<cell>`): each cell finds its created row by name
      const byName = new Map(runs.map((run) => [run.name, run]));
      const created = missing.map((cell) => {
        const run = byName.get(studyRunName(scale, cell));
        if (!run) throw new Error(`the run of cell ${cell.id} was not created`);
        return { cellId: cell.id, ...run };
      });
      return {
        created,
        existing: [...found].map(([cellId, run]) => ({ cellId, ...run })),
      };
    },
    // a launch waits for another of the same study to commit (the lock), then writes one batch
    { timeout: 30_000 },
  );
  for (const run of created) await notifyRun(ctx.db, run.id, 'created', { status: 'queued' });
  return { scale, dataRoot: plan.dataRoot, cells: plan.cells.length, created, existing };
}
