import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { ZodRealError } from 'zod';
import { fieldErrorsOf, runConfigInputSchema, sweepCombinations, sweepValueLabel } from '@ktlab/config';
import type { Prisma } from '@ktlab/db';
import { requireMembership } from '../../services/access';
import { assertRunDatasetsInRoots } from '../../services/run-dataset-roots';
import { notifyRun } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';
import { withConfigValue } from './config-path';
import type { CreateSweepInput } from './create-sweep.schema';

/**
 * One run per combination of the axes' values, all validated before any is created, sharing one sweep id. A
 * combination the config schema refuses refuses the whole sweep, reported at the axis whose field it concerns.
 */
export async function createSweepHandler({ ctx, input }: { ctx: UserContext; input: CreateSweepInput }) {
  const project = await requireMembership(ctx.db, ctx.user.id, input.projectSlug);
  const combinations = sweepCombinations(input.axes);
  const configs = combinations.map((combination) => {
    const config = combination.reduce<unknown>((acc, { field, value }) => withConfigValue(acc, field, value), input.config);
    const parsed = runConfigInputSchema.safeParse(config);
    if (!parsed.success) {
      const [first] = fieldErrorsOf(parsed.error);
      const axisIndex = input.axes.findIndex(({ field }) => first.path === field || first.path.startsWith(`${field}.`));
      const axis = axisIndex >= 0 ? input.axes[axisIndex] : undefined;
      const value = axis ? combination[axisIndex].value : undefined;
      const message = `${axis ? `${axis.field} = ${sweepValueLabel(value!)}: ` : ''}${first.path}: ${first.message}`;
      // A misspelled swept field (`clustering.kk`) is an unknown field: the field is wrong; otherwise the value is.
      const unknownField = first.message.startsWith('unknown field');
      const path = !axis ? ['config'] : input.singleField ? ['field'] : ['axes', axisIndex, unknownField ? 'field' : 'values'];
      throw new TRPCError({ code: 'BAD_REQUEST', message, cause: new ZodRealError([{ code: 'custom', path, message, input: axis?.field }]) });
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
          name: [input.name, ...combinations[index].map(({ value }) => sweepValueLabel(value))].join('-'),
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
