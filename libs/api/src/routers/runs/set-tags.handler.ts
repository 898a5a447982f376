import { requireRunAccess } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { SetTagsInput } from './set-tags.schema';

export async function setTagsHandler({ ctx, input }: { ctx: UserContext; input: SetTagsInput }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.id);
  const run = await ctx.db.run.update({ where: { id: input.id }, data: { tags: [...new Set(input.tags)] }, select: { tags: true } });
  return run;
}
