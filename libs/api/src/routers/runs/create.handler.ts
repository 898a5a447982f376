import type { Prisma } from '@ktlab/db';
import { requireMembership } from '../../services/access';
import { assertRunDatasetsInRoots } from '../../services/run-dataset-roots';
import { notifyRun, queuePosition } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import type { CreateRunInput } from './create.schema';

export async function createRunHandler({ ctx, input }: { ctx: UserContext; input: CreateRunInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  await assertRunDatasetsInRoots([{ config: input.config, inputPath: ['config'] }]);
  const count = await ctx.db.run.count({ where: { projectId: project.id } });
  const run = await ctx.db.run.create({
    data: {
      projectId: project.id,
      name: input.name ?? `${input.method}-${count + 1}`,
      method: input.method,
      priority: input.priority,
      tags: [...new Set(input.tags)],
      config: input.config as Prisma.InputJsonValue,
    },
  });
  await notifyRun(ctx.db, run.id, 'created', { status: 'queued' });
  return { id: run.id, name: run.name, queuePosition: await queuePosition(ctx.db, run) };
}
