import { z } from 'zod';

export const heartbeatInput = z.object({
  workerId: z.string().min(1),
  /** The run the worker is executing, whose lease the heartbeat renews. */
  runId: z.string().min(1).optional(),
});
export type HeartbeatInput = z.infer<typeof heartbeatInput>;
