import { TRPCError } from '@trpc/server';
import { normalizeEmail } from '../../auth/users';
import { requireMembership } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { AddMemberInput, CreateProjectInput, ProjectInput, RemoveMemberInput } from './projects.schema';

export async function listProjectsHandler({ ctx }: { ctx: UserContext }) {
  const memberships = await ctx.db.projectMember.findMany({
    where: { userId: ctx.user.id },
    include: { project: { include: { _count: { select: { runs: { where: { deletedAt: null } }, members: true } } } } },
    orderBy: { project: { slug: 'asc' } },
  });
  return memberships.map((m) => ({
    slug: m.project.slug,
    name: m.project.name,
    role: m.role,
    runs: m.project._count.runs,
    members: m.project._count.members,
  }));
}

/** Anyone signed in may create a project; they become its owner. */
export async function createProjectHandler({ ctx, input }: { ctx: UserContext; input: CreateProjectInput }) {
  if (await ctx.db.project.findUnique({ where: { slug: input.slug } })) {
    throw new TRPCError({ code: 'CONFLICT', message: `a project named ${input.slug} already exists` });
  }
  const project = await ctx.db.project.create({
    data: { slug: input.slug, name: input.name, members: { create: { userId: ctx.user.id, role: 'owner' } } },
  });
  return { slug: project.slug, name: project.name };
}

export async function listMembersHandler({ ctx, input }: { ctx: UserContext; input: ProjectInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const members = await ctx.db.projectMember.findMany({
    where: { projectId: project.id },
    include: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return members.map((m) => ({ ...m.user, role: m.role, since: m.createdAt }));
}

export async function addMemberHandler({ ctx, input }: { ctx: UserContext; input: AddMemberInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug, 'owner');
  const user = await ctx.db.user.findUnique({ where: { email: normalizeEmail(input.email) } });
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: `no account for ${input.email}; an administrator creates it first` });
  await ctx.db.projectMember.upsert({
    where: { projectId_userId: { projectId: project.id, userId: user.id } },
    create: { projectId: project.id, userId: user.id, role: input.role },
    update: { role: input.role },
  });
  return { userId: user.id, role: input.role };
}

/** Owners remove members; the last owner cannot be removed, so a project never becomes unmanageable. */
export async function removeMemberHandler({ ctx, input }: { ctx: UserContext; input: RemoveMemberInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug, 'owner');
  const owners = await ctx.db.projectMember.findMany({ where: { projectId: project.id, role: 'owner' }, select: { userId: true } });
  if (owners.length === 1 && owners[0].userId === input.userId) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'a project needs at least one owner; make someone else owner first' });
  }
  const removed = await ctx.db.projectMember.deleteMany({ where: { projectId: project.id, userId: input.userId } });
  if (removed.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `user ${input.userId} is not a member of ${input.projectSlug}` });
  return { removed: true };
}
