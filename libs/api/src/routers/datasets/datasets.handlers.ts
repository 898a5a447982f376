import { TRPCError } from '@trpc/server';
import { requireMembership } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { ListDatasetsInput, RegisterDatasetInput, RemoveDatasetInput } from './datasets.schema';
import { DatasetPathError, scanDataset, type DatasetFormat } from './scan-dataset';

const datasetFields = { id: true, name: true, format: true, location: true, imageCount: true, labeled: true, createdAt: true } as const;

export async function listDatasetsHandler({ ctx, input }: { ctx: UserContext; input: ListDatasetsInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const datasets = await ctx.db.dataset.findMany({ where: { projectId: project.id }, orderBy: { name: 'asc' }, select: datasetFields });
  return datasets.map((dataset) => ({ ...dataset, format: dataset.format as DatasetFormat }));
}

/** Members register datasets; the path is checked and its images counted now, so the launch form can trust it. */
export async function registerDatasetHandler({ ctx, input }: { ctx: UserContext; input: RegisterDatasetInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  if (await ctx.db.dataset.findUnique({ where: { projectId_name: { projectId: project.id, name: input.name } } })) {
    throw new TRPCError({ code: 'CONFLICT', message: `project ${project.slug} already has a dataset named "${input.name}"` });
  }
  let scanned;
  try {
    scanned = await scanDataset(input.path, input.format);
  } catch (cause) {
    if (cause instanceof DatasetPathError) throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message });
    throw new TRPCError({ code: 'BAD_REQUEST', message: `cannot read "${input.path}": ${(cause as Error).message}` });
  }
  const dataset = await ctx.db.dataset.create({
    data: { projectId: project.id, name: input.name, format: input.format, location: scanned.location, imageCount: scanned.imageCount, labeled: scanned.labeled },
    select: datasetFields,
  });
  return { ...dataset, format: dataset.format as DatasetFormat, classes: scanned.classes };
}

/** Forgets the registration; the files are never touched. Runs keep their own copy of the path in their config. */
export async function removeDatasetHandler({ ctx, input }: { ctx: UserContext; input: RemoveDatasetInput }) {
  const dataset = await ctx.db.dataset.findFirst({ where: { id: input.id, project: { members: { some: { userId: ctx.user.id } } } } });
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: `dataset ${input.id} not found` });
  await ctx.db.dataset.delete({ where: { id: dataset.id } });
  return { id: dataset.id };
}
