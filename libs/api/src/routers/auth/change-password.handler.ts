import { TRPCError } from '@trpc/server';
import { hashPassword, verifyPassword } from '../../auth/password';
import type { UserContext } from '../../trpc/user-context';
import type { ChangePasswordInput } from './change-password.schema';

/** Changes the password and signs out every other session of the user. */
export async function changePasswordHandler({ ctx, input }: { ctx: UserContext; input: ChangePasswordInput }) {
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id } });
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'the current password is wrong' });
  }
  await ctx.db.$transaction([
    ctx.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.newPassword) } }),
    ctx.db.session.deleteMany({ where: { userId: user.id, id: { not: ctx.user.sessionId } } }),
  ]);
  return { changed: true };
}
