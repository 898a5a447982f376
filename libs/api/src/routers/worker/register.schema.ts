import { workerCapabilitiesSchema } from '@ktlab/config';
import { z } from 'zod';

export const registerInput = z.object({
  name: z.string().trim().min(1).max(200),
  host: z.string().trim().min(1).max(255),
  backend: z.string().max(64).optional(),
  devices: z.record(z.string(), z.unknown()).optional(),
  /** What the worker offers runs' `requirements`; a trainer that sends none claims only unconstrained runs. */
  capabilities: workerCapabilitiesSchema.optional(),
});
export type RegisterInput = z.infer<typeof registerInput>;
