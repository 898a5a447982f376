import type { Prisma } from '@ktlab/db';
import type { Context } from '../../trpc/context';
import { ensureProject } from '../../services/projects';
import { notifyRun, queuePosition } from '../../services/run-queue';
import type { CreateRunInput } from './create.schema';

export async function createRunHandler({ ctx, input }: { ctx: Context; input: CreateRunInput }) {
  const project = await ensureProject(ctx.db, input.projectSlug);
  const count = await ctx.db.run.count({ where: { projectId: project.id } });
  const run = await ctx.db.run.create({
    data: {
      projectId: project.id,
      name: input.name ?? `${input.method}-${count + 1}`,
      method: input.method,
      priority: input.priority,
      config: input.config as Prisma.InputJsonValue,
    },
  });
  await notifyRun(ctx.db, run.id, 'created', { status: 'queued' });
  return { id: run.id, name: run.name, queuePosition: await queuePosition(ctx.db, run) };
}
