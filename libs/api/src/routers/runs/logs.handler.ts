import { requireRunAccess } from '../../services/access';
import type { UserContext } from '../../trpc/user-context';
import type { RunLogsInput } from './logs.schema';

/**
 * A page of a run's log, newest page first: the `limit` lines before `cursor` (or the newest), returned
 * oldest → newest. Lines are ordered by (attempt, seq), the order the trainers logged them in.
 * `nextCursor` continues towards older lines; null when there are none.
 */
export async function runLogsHandler({ ctx, input }: { ctx: UserContext; input: RunLogsInput }) {
  await requireRunAccess(ctx.db, ctx.user.id, input.runId);
  const before = input.cursor ?? { attempt: 2 ** 31 - 1, seq: 2 ** 31 - 1 };
  const rows = await ctx.db.$queryRaw<{ attempt: number; seq: number; time: Date; message: string }[]>`
    SELECT attempt, seq, time, message FROM "RunLog"
    WHERE "runId" = ${input.runId} AND (attempt, seq) < (${before.attempt}, ${before.seq})
    ORDER BY attempt DESC, seq DESC
    LIMIT ${input.limit + 1}`;
  const hasOlder = rows.length > input.limit;
  const lines = rows.slice(0, input.limit).reverse();
  return { lines, nextCursor: hasOlder && lines[0] ? { attempt: lines[0].attempt, seq: lines[0].seq } : null };
}
