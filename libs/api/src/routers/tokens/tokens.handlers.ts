import { TRPCError } from '@trpc/server';
import { createWorkerToken } from '../../auth/worker-token';
import type { UserContext } from '../../trpc/user-context';
import type { CreateTokenInput, TokenIdInput } from './tokens.schema';

export async function listTokensHandler({ ctx }: { ctx: UserContext }) {
  const tokens = await ctx.db.workerToken.findMany({
    orderBy: { createdAt: 'desc' },
    include: {
      createdBy: { select: { name: true, email: true } },
      workers: { select: { name: true, lastHeartbeat: true }, orderBy: { lastHeartbeat: 'desc' } },
    },
  });
  return tokens.map(({ tokenHash: _hash, ...token }) => token);
}

/** The secret is in this response only; the database keeps its hash. */
export async function createTokenHandler({ ctx, input }: { ctx: UserContext; input: CreateTokenInput }) {
  const token = await createWorkerToken(ctx.db, input.label, ctx.user.id);
  return { id: token.id, label: input.label, secret: token.secret };
}

/** Revoking stops every worker using the token at its next call (401). */
export async function revokeTokenHandler({ ctx, input }: { ctx: UserContext; input: TokenIdInput }) {
  const revoked = await ctx.db.workerToken.updateMany({ where: { id: input.id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (revoked.count === 0) {
    const exists = await ctx.db.workerToken.findUnique({ where: { id: input.id }, select: { id: true } });
    throw new TRPCError({ code: exists ? 'BAD_REQUEST' : 'NOT_FOUND', message: exists ? 'the token is already revoked' : `token ${input.id} not found` });
  }
  return { revoked: true };
}
