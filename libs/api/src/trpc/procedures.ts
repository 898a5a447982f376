import { TRPCError } from '@trpc/server';
import { findSessionUser, readCookie, SESSION_COOKIE } from '../auth/session';
import { bearerToken, findValidToken } from '../auth/worker-token';
import { t } from './init';

export const publicProcedure = t.procedure;

/**
 * Procedures a person calls from the portal: a valid session cookie is required (401 otherwise). Project
 * membership is checked per procedure (services/access.ts), since each names its project or run differently.
 */
export const userProcedure = t.procedure.use(async ({ ctx, next }) => {
  const user = await findSessionUser(ctx.db, readCookie(ctx.cookie, SESSION_COOKIE));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in to continue' });
  return next({ ctx: { ...ctx, user } });
});

/** Managing users and worker tokens: signed in as an administrator. */
export const adminProcedure = userProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isAdmin) throw new TRPCError({ code: 'FORBIDDEN', message: 'only administrators can do this' });
  return next();
});

/** Procedures a trainer calls: a valid, unrevoked worker token is required (401 otherwise). */
export const workerProcedure = t.procedure.use(async ({ ctx, next }) => {
  const token = await findValidToken(ctx.db, bearerToken(ctx.authorization));
  if (!token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'a valid worker token is required' });
  return next({ ctx: { ...ctx, token } });
});
