import type { Prisma } from '@ktlab/db';
import type { Context } from '../../trpc/context';
import { DEFAULT_PROJECT_SLUG } from '../../services/projects';
import type { ListRunsInput } from './list.schema';

export async function listRunsHandler({ ctx, input }: { ctx: Context; input: ListRunsInput }) {
  const where: Prisma.RunWhereInput = {
    project: { slug: input.projectSlug ?? DEFAULT_PROJECT_SLUG },
    ...(input.status?.length ? { status: { in: input.status } } : {}),
    ...(input.method ? { method: input.method } : {}),
    ...(input.search ? { name: { contains: input.search, mode: 'insensitive' as const } } : {}),
  };
  const [total, runs] = await Promise.all([
    ctx.db.run.count({ where }),
    ctx.db.run.findMany({
      where,
      orderBy: [{ [input.sort]: input.order }, { id: input.order }],
      skip: input.page * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        name: true,
        method: true,
        status: true,
        attempt: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        error: true,
        claimedBy: { select: { name: true } },
      },
    }),
  ]);
  return { total, page: input.page, pageSize: input.pageSize, runs };
}
