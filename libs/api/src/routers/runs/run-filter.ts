import type { Prisma } from '@ktlab/db';
import type { ListRunsInput } from './list.schema';

/** The WHERE of the runs table for one project (shared by the list and its per-method groups). */
export function runFilter(projectId: string, input: Omit<ListRunsInput, 'sort' | 'order' | 'page' | 'pageSize'>): Prisma.RunWhereInput {
  return {
    projectId,
    deletedAt: input.view === 'deleted' ? { not: null } : null,
    ...(input.status?.length ? { status: { in: input.status } } : {}),
    ...(input.method ? { method: input.method } : {}),
    ...(input.search ? { name: { contains: input.search, mode: 'insensitive' as const } } : {}),
    ...(input.tags?.length ? { tags: { hasEvery: input.tags } } : {}),
    ...(input.sweepId ? { sweepId: input.sweepId } : {}),
    ...(input.createdAfter || input.createdBefore ? { createdAt: { gte: input.createdAfter, lt: input.createdBefore } } : {}),
    ...(input.config?.length
      ? { AND: input.config.map((filter) => ({ config: { path: filter.path.split('.'), equals: filter.value } })) }
      : {}),
  };
}
