/**
 * What launching a study means in a project: the plan (`@ktlab/study`, as `npm run study` plans it) and, per cell,
 * the run it already has. The rule is the CLI's (`--portal`): a run of the project tagged with the study, the cell
 * and its config hash that has not failed, was not cancelled and is not in the trash — whether `studies.launch`,
 * `npm run study -- --portal` or `--publish` made it.
 */
import { join, resolve } from 'node:path';
import { TRPCError } from '@trpc/server';
import { ZodRealError } from 'zod';
import { studyTag, type RunConfig } from '@ktlab/config';
import { repoRoot, sharedDir } from '@ktlab/config/paths';
import type { Prisma } from '@ktlab/db';
import { cellTag, configTag, planStudy, scaleByName, type StudyCell, type StudyPlan } from '@ktlab/study';
import { assertRunDatasetsInRoots } from '../../services/run-dataset-roots';
import type { StudyLaunchInput } from './launch.schema';

/** The data root the cells' configs name: the input's (from the repository root), else the CLI's default. */
export function studyDataRoot(dataRoot: string | undefined): string {
  return dataRoot ? resolve(repoRoot(), dataRoot) : join(sharedDir(), 'datasets', 'cifar10');
}

export function launchPlan(input: StudyLaunchInput): StudyPlan {
  try {
    return planStudy({
      scale: scaleByName(input.scale),
      dataRoot: studyDataRoot(input.dataRoot),
      ...(input.seeds === undefined ? {} : { seeds: input.seeds }),
      ...(input.only ? { only: input.only } : {}),
    });
  } catch (error) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: (error as Error).message });
  }
}

/**
 * Refuses a plan whose data root lies outside `KTLAB_DATASET_ROOTS` (as runs.create refuses a config), reported at
 * the input's `dataRoot`: every path the cells read is `<dataRoot>/train` or `<dataRoot>/test`.
 */
export async function assertStudyDataInRoots(plan: StudyPlan, configs: readonly RunConfig[]): Promise<void> {
  try {
    await assertRunDatasetsInRoots(configs.map((config) => ({ config, inputPath: ['config'] })));
  } catch (error) {
    if (!(error instanceof TRPCError) || error.code !== 'BAD_REQUEST') throw error;
    const message = `data root ${plan.dataRoot}: ${error.message.replace(/^config\.[\w.]+: /, '')}`;
    throw new TRPCError({ code: 'BAD_REQUEST', message, cause: new ZodRealError([{ code: 'custom', path: ['dataRoot'], message, input: plan.dataRoot }]) });
  }
}

/** The advisory lock `studies.launch` holds while it reads and creates a study's runs in a project. */
export function studyLaunchLockKey(projectId: string, scale: string): string {
  return `study-launch:${projectId}:${scale}`;
}

export interface ExistingCellRun {
  id: string;
  name: string;
  status: string;
}

/** Each planned cell's run already in the project, by cell id (cells without one are absent). */
export async function existingCellRuns(db: Pick<Prisma.TransactionClient, 'run'>, projectId: string, plan: StudyPlan): Promise<Map<string, ExistingCellRun>> {
  const runs = await db.run.findMany({
    where: { projectId, deletedAt: null, status: { notIn: ['failed', 'cancelled'] }, tags: { has: studyTag(plan.scale.name) } },
    select: { id: true, name: true, status: true, tags: true },
    orderBy: { createdAt: 'asc' },
  });
  const found = new Map<string, ExistingCellRun>();
  for (const cell of plan.cells) {
    const run = runs.find((candidate) => hasCellTags(candidate.tags, cell));
    if (run) found.set(cell.id, { id: run.id, name: run.name, status: run.status });
  }
  return found;
}

function hasCellTags(tags: readonly string[], cell: StudyCell): boolean {
  return tags.includes(cellTag(cell.id)) && tags.includes(configTag(cell));
}
