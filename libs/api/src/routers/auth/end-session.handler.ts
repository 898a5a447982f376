import { TRPCError } from '@trpc/server';
import type { UserContext } from '../../trpc/user-context';
import type { EndSessionInput } from './end-session.schema';

/** Ends one other session of the user (this browser's is ended by signing out). */
export async function endSessionHandler({ ctx, input }: { ctx: UserContext; input: EndSessionInput }) {
  if (input.id === ctx.user.sessionId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'this is the current session: use Sign out' });
  const { count } = await ctx.db.session.deleteMany({ where: { id: input.id, userId: ctx.user.id } });
  if (count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `session ${input.id} not found` });
  return { ended: true };
}
