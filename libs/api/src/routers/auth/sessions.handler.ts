import type { UserContext } from '../../trpc/user-context';

/** The user's unexpired sessions, newest first; `current` marks the one this request came with. */
export async function sessionsHandler({ ctx }: { ctx: UserContext }) {
  const sessions = await ctx.db.session.findMany({
    where: { userId: ctx.user.id, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true },
  });
  return sessions.map((session) => ({ ...session, current: session.id === ctx.user.sessionId }));
}
