/**
 * Where the time of one training step goes, by kernel: `npx tsx tools/profile/train-step.ts [--net alexnet]
 * [--batch <n>] [--backend ktlab-wasm|cpu] [--warmup 2] [--by-shape]`. Trains one of the pipeline's nets (the train bench's,
 * tools/bench/support/pipeline-nets.ts; batch: the pipeline's unless given) for a few warm-up steps, then
 * profiles one step with tf.profile and prints kernels sorted by total time (wasm kernels are synchronous, so
 * their wall time is their cost).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { BACKEND_NAMES, formatStepProfile, profileTrainingStep, selectBackend } from '@ktlab/tf-backend';
import { buildPipelineNet, PIPELINE_NET_NAMES, trainingSession } from '../bench/support/pipeline-nets.js';

const options = z
  .object({
    net: z.enum(PIPELINE_NET_NAMES),
    batch: z.coerce.number().int().positive().optional(),
    backend: z.enum(['auto', ...BACKEND_NAMES]),
    warmup: z.coerce.number().int().min(0),
    byShape: z.boolean(),
  })
  .parse(
    new Command()
      .option('--net <net>', PIPELINE_NET_NAMES.join(', '), 'alexnet')
      .option('--batch <n>', "images (puzzles) per step; the pipeline's by default")
      .option('--backend <name>', 'backend to profile', 'ktlab-wasm')
      .option('--warmup <n>', 'steps before the profiled one', '2')
      .option('--by-shape', 'one row per kernel and input shapes', false)
      .parse()
      .opts(),
  );

const info = await selectBackend({ prefer: options.backend });
const net = buildPipelineNet(options.net);
if (options.batch) net.batch = options.batch;
const session = trainingSession(net);
for (let i = 0; i < options.warmup; i++) await session.step();
const profile = await profileTrainingStep(net.name, net.batch, session.step);
session.dispose();
console.log(`${net.role}; backend ${info.name} (${info.threads} threads${info.nativeGemm ? `, native GEMM ${info.nativeGemm}` : ''})`);
console.log(formatStepProfile(profile, options.byShape ? 0.002 : 0, options.byShape));
process.exit(0);
