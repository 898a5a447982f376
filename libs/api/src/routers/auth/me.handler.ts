import { findSessionUser, readCookie, SESSION_COOKIE } from '../../auth/session';
import type { Context } from '../../trpc/context';

/** The signed-in user with their projects, or null when signed out (the portal then shows sign-in). */
export async function meHandler({ ctx }: { ctx: Context }) {
  const user = await findSessionUser(ctx.db, readCookie(ctx.cookie, SESSION_COOKIE));
  if (!user) return null;
  const memberships = await ctx.db.projectMember.findMany({
    where: { userId: user.id },
    include: { project: { select: { slug: true, name: true } } },
    orderBy: { project: { slug: 'asc' } },
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isAdmin: user.isAdmin,
    projects: memberships.map((m) => ({ slug: m.project.slug, name: m.project.name, role: m.role })),
  };
}
