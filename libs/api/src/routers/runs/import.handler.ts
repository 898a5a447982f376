import { WORKER_STAGE_KINDS } from '@ktlab/config';
import type { Db, Prisma } from '@ktlab/db';
import { requireMembership } from '../../services/access';
import { assertRunDatasetsInRoots } from '../../services/run-dataset-roots';
import { notifyRun } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import type { ImportRunInput } from './import.schema';

/**
 * Publishes a run that finished outside the portal: it is created `succeeded` (so no worker ever claims it) with
 * its stages and eval results, and shows in the runs table and benchmark tables like any run. Publishing the same
 * source again (same import key in the project) returns the run published before.
 */
export async function importRunHandler({ ctx, input }: { ctx: UserContext; input: ImportRunInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  await assertRunDatasetsInRoots([{ config: input.config, inputPath: ['config'] }]);
  const existing = await findImported(ctx.db, project.id, input.importKey);
  if (existing) return existing;
  const count = await ctx.db.run.count({ where: { projectId: project.id } });
  let run;
  try {
    run = await ctx.db.run.create({
      data: {
        projectId: project.id,
        name: input.name ?? `${input.method}-${count + 1}`,
        method: input.method,
        tags: [...new Set(input.tags)],
        config: input.config as Prisma.InputJsonValue,
        status: 'succeeded',
        importedFrom: input.importedFrom,
        importKey: input.importKey,
        startedAt: input.startedAt,
        finishedAt: input.finishedAt,
        stages: {
          create: input.stages.map((stage) => ({
            kind: stage.kind,
            ordinal: WORKER_STAGE_KINDS.indexOf(stage.kind),
            status: stage.status,
            progress: stage.status === 'succeeded' ? 1 : 0,
            startedAt: stage.startedAt ?? null,
            finishedAt: stage.finishedAt ?? null,
          })),
        },
        evalResults: { create: input.evalResults },
      },
      select: { id: true, name: true },
    });
  } catch (error) {
    // Two publishers racing on the same source: the loser returns the winner's run.
    const raced = isUniqueViolation(error) ? await findImported(ctx.db, project.id, input.importKey) : undefined;
    if (raced) return raced;
    throw error;
  }
  await notifyRun(ctx.db, run.id, 'created', { status: 'succeeded' });
  return { id: run.id, name: run.name, created: true, deleted: false };
}

async function findImported(db: Db, projectId: string, importKey: string) {
  const run = await db.run.findUnique({
    where: { projectId_importKey: { projectId, importKey } },
    select: { id: true, name: true, deletedAt: true },
  });
  return run ? { id: run.id, name: run.name, created: false, deleted: run.deletedAt !== null } : undefined;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
