import { TRPCError } from '@trpc/server';
import { bearerToken, findValidToken } from '../auth/worker-token';
import { t } from './init';

export const publicProcedure = t.procedure;

/**
 * Procedures a person calls from the portal. Accounts and project membership arrive with the portal's
 * accounts work; until then the portal runs in local single-user mode (bound to localhost by `npm start`).
 */
export const userProcedure = t.procedure;

/** Procedures a trainer calls: a valid, unrevoked worker token is required (401 otherwise). */
export const workerProcedure = t.procedure.use(async ({ ctx, next }) => {
  const token = await findValidToken(ctx.db, bearerToken(ctx.authorization));
  if (!token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid worker token is required' });
  return next({ ctx: { ...ctx, token } });
});
