import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { ZodRealError } from 'zod';
import { fieldErrorsOf, runConfigInputSchema } from '@ktlab/config';
import type { Prisma } from '@ktlab/db';
import { requireMembership } from '../../services/access';
import { assertRunDatasetsInRoots } from '../../services/run-dataset-roots';
import { notifyRun } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import { withConfigValue } from './config-path';
import type { CreateSweepInput } from './create-sweep.schema';

/** One run per value of the swept field, all validated before any is created, sharing one sweep id. */
export async function createSweepHandler({ ctx, input }: { ctx: UserContext; input: CreateSweepInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const values = [...new Set(input.values)];
  const configs = values.map((value) => {
    const parsed = runConfigInputSchema.safeParse(withConfigValue(input.config, input.field, value));
    if (!parsed.success) {
      // A misspelled swept field (`clustering.kk`) is an unknown field here, reported at the sweep's `field`.
      const [first] = fieldErrorsOf(parsed.error);
      const message = `${input.field} = ${String(value)}: ${first.path}: ${first.message}`;
      throw new TRPCError({ code: 'BAD_REQUEST', message, cause: new ZodRealError([{ code: 'custom', path: ['field'], message, input: input.field }]) });
    }
    return parsed.data;
  });
  await assertRunDatasetsInRoots(configs.map((config) => ({ config, inputPath: ['config'] })));
  const sweepId = randomUUID();
  const runs = await ctx.db.$transaction(
    configs.map((config, index) =>
      ctx.db.run.create({
        data: {
          projectId: project.id,
          name: `${input.name}-${String(values[index])}`,
          method: input.method,
          priority: input.priority,
          tags: [...new Set(input.tags)],
          sweepId,
          config: config as Prisma.InputJsonValue,
        },
        select: { id: true, name: true },
      }),
    ),
  );
  for (const run of runs) await notifyRun(ctx.db, run.id, 'created', { status: 'queued' });
  return { sweepId, runs };
}
