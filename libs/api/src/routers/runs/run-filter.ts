import type { Prisma } from '@ktlab/db';
import type { EvalFilter, ListRunsInput } from './list.schema';

const PRISMA_OPS = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte', '=': 'equals' } as const;

/**
 * One eval filter as a WHERE: at a layer, some result compares so; for `best` (the best over layers), "best > x"
 * is "some layer > x", and "best < x" is "a result exists and none reaches x".
 */
function evalWhere(filter: EvalFilter): Prisma.RunWhereInput {
  const field = { protocol: filter.protocol, metric: filter.metric };
  if (filter.layer !== 'best') return { evalResults: { some: { ...field, layer: filter.layer, value: { [PRISMA_OPS[filter.op]]: filter.value } } } };
  if (filter.op === '>' || filter.op === '>=') return { evalResults: { some: { ...field, value: { [PRISMA_OPS[filter.op]]: filter.value } } } };
  if (filter.op === '=') {
    return { AND: [{ evalResults: { some: { ...field, value: filter.value } } }, { NOT: { evalResults: { some: { ...field, value: { gt: filter.value } } } } }] };
  }
  const reaching = filter.op === '<' ? { gte: filter.value } : { gt: filter.value };
  return { AND: [{ evalResults: { some: field } }, { NOT: { evalResults: { some: { ...field, value: reaching } } } }] };
}

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
    ...(input.config?.length || input.evals?.length
      ? {
          AND: [
            ...(input.config ?? []).map((filter) => ({ config: { path: filter.path.split('.'), equals: filter.value } })),
            ...(input.evals ?? []).map(evalWhere),
          ],
        }
      : {}),
  };
}
