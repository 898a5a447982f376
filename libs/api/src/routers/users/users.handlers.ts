import { TRPCError } from '@trpc/server';
import { createUser, normalizeEmail } from '../../auth/users';
import type { UserContext } from '../../trpc/user-context';
import type { CreateUserInput } from './users.schema';

export function listUsersHandler({ ctx }: { ctx: UserContext }) {
  return ctx.db.user.findMany({
    select: { id: true, email: true, name: true, isAdmin: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  });
}

export async function createUserHandler({ ctx, input }: { ctx: UserContext; input: CreateUserInput }) {
  if (await ctx.db.user.findUnique({ where: { email: normalizeEmail(input.email) } })) {
    throw new TRPCError({ code: 'CONFLICT', message: `an account for ${input.email} already exists` });
  }
  return createUser(ctx.db, input);
}
