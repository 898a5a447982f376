import type { Prisma } from '@ktlab/db';
import type { WorkerContext } from '../../trpc/worker-context';
import { leaseMs } from '../../services/run-queue';
import type { RegisterInput } from './register.schema';

export async function registerHandler({ ctx, input }: { ctx: WorkerContext; input: RegisterInput }) {
  const devices = (input.devices ?? undefined) as Prisma.InputJsonValue | undefined;
  // Re-registering replaces the capabilities: a trainer restarted without a GPU must stop claiming GPU runs.
  const capabilities = {
    accelerator: input.capabilities?.accelerator ?? null,
    memoryBytes: input.capabilities ? BigInt(input.capabilities.memoryBytes) : null,
    cpuCores: input.capabilities?.cpuCores ?? null,
  };
  const worker = await ctx.db.worker.upsert({
    where: { tokenId_name: { tokenId: ctx.token.id, name: input.name } },
    create: { name: input.name, host: input.host, backend: input.backend, devices, ...capabilities, tokenId: ctx.token.id },
    update: { host: input.host, backend: input.backend, devices, ...capabilities, lastHeartbeat: new Date() },
  });
  const lease = leaseMs();
  return { workerId: worker.id, leaseMs: lease, heartbeatMs: Math.max(250, Math.floor(lease / 3)) };
}
