import { memberProjectIds } from '../../services/access';
import { leaseMs } from '../../services/run-queue';
import type { UserContext } from '../../trpc/user-context';

/**
 * Connected trainers. A worker is `online` when it heart-beat within two lease periods. The run it executes
 * is named only to members of that run's project; others see that it is busy.
 */
export async function listWorkersHandler({ ctx }: { ctx: UserContext }) {
  const [workers, projects] = await Promise.all([
    ctx.db.worker.findMany({
      orderBy: [{ lastHeartbeat: 'desc' }],
      include: {
        token: { select: { label: true, revokedAt: true } },
        runs: { where: { status: 'running' }, select: { id: true, name: true, method: true, projectId: true, startedAt: true } },
      },
    }),
    memberProjectIds(ctx.db, ctx.user.id),
  ]);
  const staleAfterMs = 2 * leaseMs();
  const now = Date.now();
  return workers.map((worker) => {
    const run = worker.runs[0];
    return {
      id: worker.id,
      name: worker.name,
      host: worker.host,
      backend: worker.backend,
      devices: worker.devices,
      /** Null where the trainer predates capabilities (it then claims only runs without requirements). */
      capabilities:
        worker.accelerator === null
          ? null
          : { accelerator: worker.accelerator, memoryBytes: worker.memoryBytes === null ? null : Number(worker.memoryBytes), cpuCores: worker.cpuCores },
      tokenLabel: worker.token.label,
      tokenRevoked: worker.token.revokedAt !== null,
      lastHeartbeat: worker.lastHeartbeat,
      online: now - worker.lastHeartbeat.getTime() < staleAfterMs && worker.token.revokedAt === null,
      busy: Boolean(run),
      currentRun: run && projects.has(run.projectId) ? { id: run.id, name: run.name, method: run.method, startedAt: run.startedAt } : null,
    };
  });
}
