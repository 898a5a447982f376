import { checkpointRetentionMs, pruneCheckpointCopiesOf, pruneShardFiles } from '../../artifacts/checkpoint-retention';
import type { WorkerContext } from '../../trpc/worker-context';
import { notifyRun } from '../../services/run-queue';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import type { FinishInput } from './finish.schema';

export async function finishHandler({ ctx, input }: { ctx: WorkerContext; input: FinishInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await requireHeldRun(ctx.db, input.workerId, input.runId);
  const finishedAt = new Date();
  const release = { claimedById: null, leaseUntil: null };
  switch (input.outcome) {
    case 'succeeded':
      await ctx.db.$transaction([
        ...input.evalResults.map((result) =>
          ctx.db.evalResult.upsert({
            where: {
              runId_protocol_layer_dataset_metric: {
                runId: input.runId,
                protocol: result.protocol,
                layer: result.layer,
                dataset: result.dataset,
                metric: result.metric,
              },
            },
            create: { runId: input.runId, ...result },
            update: { value: result.value },
          }),
        ),
        ctx.db.run.update({ where: { id: input.runId }, data: { status: 'succeeded', finishedAt, error: null, ...release } }),
      ]);
      break;
    case 'failed':
      await ctx.db.run.update({ where: { id: input.runId }, data: { status: 'failed', finishedAt, error: input.error, ...release } });
      break;
    case 'cancelled':
      await ctx.db.run.update({ where: { id: input.runId }, data: { status: 'cancelled', finishedAt, ...release } });
      break;
    case 'released':
      await ctx.db.run.update({ where: { id: input.runId }, data: { status: 'queued', ...release } });
      break;
  }
  // with KTLAB_CHECKPOINT_RETENTION_HOURS=0 a succeeded run's checkpoint copy goes now, not at the next pass
  if (input.outcome === 'succeeded' && checkpointRetentionMs() === 0) await pruneCheckpointCopiesOf(ctx.db, [input.runId], { retentionMs: 0 });
  if (input.outcome === 'succeeded') await pruneShardFiles(ctx.db, [input.runId]);
  const status = input.outcome === 'released' ? 'queued' : input.outcome;
  await notifyRun(ctx.db, input.runId, 'status', { status });
  return { status };
}
