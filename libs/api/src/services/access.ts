/**
 * Project-level access: a person reads and writes a project's runs only as one of its members. Refusals
 * for runs say NOT_FOUND rather than FORBIDDEN so that run ids of other projects cannot be probed.
 */
import { TRPCError } from '@trpc/server';
import type { Db } from '@ktlab/db';
import { DEFAULT_PROJECT_SLUG } from './projects';

export async function requireMembership(db: Db, userId: string, projectSlug = DEFAULT_PROJECT_SLUG, role?: 'owner') {
  const project = await db.project.findUnique({
    where: { slug: projectSlug },
    include: { members: { where: { userId }, select: { role: true } } },
  });
  const membership = project?.members[0];
  if (!project || !membership) throw new TRPCError({ code: 'FORBIDDEN', message: `you are not a member of project ${projectSlug}` });
  if (role === 'owner' && membership.role !== 'owner') {
    throw new TRPCError({ code: 'FORBIDDEN', message: `only owners of project ${projectSlug} can do this` });
  }
  return { id: project.id, slug: project.slug, name: project.name, role: membership.role };
}

/** The run's id and project, when the user is a member of that project. */
export async function requireRunAccess(db: Db, userId: string, runId: string) {
  const run = await db.run.findFirst({
    where: { id: runId, project: { members: { some: { userId } } } },
    select: { id: true, projectId: true },
  });
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `run ${runId} not found` });
  return run;
}

/** Every listed run must be readable by the user; one unknown id refuses the whole request. */
export async function requireRunsAccess(db: Db, userId: string, runIds: string[]) {
  const unique = [...new Set(runIds)];
  const found = await db.run.findMany({
    where: { id: { in: unique }, project: { members: { some: { userId } } } },
    select: { id: true },
  });
  const missing = unique.filter((id) => !found.some((run) => run.id === id));
  if (missing.length) throw new TRPCError({ code: 'NOT_FOUND', message: `run${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found` });
}

export async function memberProjectIds(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db.projectMember.findMany({ where: { userId }, select: { projectId: true } });
  return new Set(rows.map((row) => row.projectId));
}
