import type { UserContext } from '../../trpc/user-context';

/** Ends every session of the user except the one this request came with. */
export async function signOutOthersHandler({ ctx }: { ctx: UserContext }) {
  const { count } = await ctx.db.session.deleteMany({ where: { userId: ctx.user.id, id: { not: ctx.user.sessionId } } });
  return { signedOut: count };
}
