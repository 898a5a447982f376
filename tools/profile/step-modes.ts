/**
 * A training step of the pipeline's nets under several kernel configurations in one process, the modes taking
 * turns step by step (a load swing on a shared machine hits them all): `npx tsx tools/profile/step-modes.ts
 * [--nets alexnet,jigsaw] [--modes as-loaded,tfjs-batch-norm] [--rounds 5]`. Prints each step's time and the
 * median per mode and net, with the CPU and the load average.
 *
 * Modes: `as-loaded` (the backend as selectBackend set it up), `tfjs-batch-norm` (training-mode batch norm as
 * tf.layers composes it, not on oneDNN), `openblas-convs` (every convolution on OpenBLAS, as before oneDNN),
 * `layout-weights-any` / `layout-any` (the convolutions oneDNN runs all in that layout instead of the per-shape
 * choice, native/onednn.ts layoutByShape).
 */
import { Command } from 'commander';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { z } from 'zod';
import { activeNativeGemm, activeOneDnn, describeCpuHost, selectBackend, useOneDnnBatchNorm, withConvEngine, withOneDnn } from '@ktlab/tf-backend';
import { median } from '../bench/support/statistics';
import { listOption } from './list-option';
import { buildPipelineNet, PIPELINE_NET_NAMES, trainingSession } from '../bench/support/pipeline-nets.js';

const MODES = ['as-loaded', 'tfjs-batch-norm', 'openblas-convs', 'layout-weights-any', 'layout-any'] as const;
type Mode = (typeof MODES)[number];


const options = z
  .object({ nets: listOption(PIPELINE_NET_NAMES), modes: listOption(MODES), rounds: z.coerce.number().int().positive(), warmup: z.coerce.number().int().min(0) })
  .parse(
    new Command()
      .option('--nets <list>', PIPELINE_NET_NAMES.join(','), 'alexnet,jigsaw')
      .option('--modes <list>', MODES.join(','), 'as-loaded,tfjs-batch-norm')
      .option('--rounds <n>', 'timed steps per mode', '5')
      .option('--warmup <n>', 'untimed steps per mode first', '1')
      .parse()
      .opts(),
  );

const info = await selectBackend({ prefer: 'ktlab-wasm' }, pino({ level: 'silent' }));
console.log(`${describeCpuHost()}; backend ${info.name}, ${info.threads} threads, native ${info.nativeGemm ?? 'none'}`);

/** Runs `step` in `mode`, then restores the backend's state. */
async function inMode<T>(mode: Mode, step: () => Promise<T>): Promise<T> {
  switch (mode) {
    case 'as-loaded':
      return step();
    case 'tfjs-batch-norm':
      useOneDnnBatchNorm(false);
      try {
        return await step();
      } finally {
        useOneDnnBatchNorm(true);
      }
    case 'openblas-convs': {
      const gemm = activeNativeGemm();
      if (!gemm) throw new Error('openblas-convs: OpenBLAS is not loaded');
      return withConvEngine('openblas', { gemm, dnn: activeOneDnn() }, step);
    }
    case 'layout-weights-any':
    case 'layout-any': {
      const dnn = activeOneDnn();
      if (!dnn) throw new Error(`${mode}: oneDNN is not loaded`);
      return withOneDnn(dnn.withLayout(mode === 'layout-any' ? 'any' : 'weights-any'), step);
    }
  }
}

const loads = [loadavg()[0]!];
for (const name of options.nets) {
  const net = buildPipelineNet(name);
  const session = trainingSession(net);
  const times = new Map<Mode, number[]>(options.modes.map((mode) => [mode, []]));
  for (let round = -options.warmup; round < options.rounds; round++) {
    const line: string[] = [];
    for (const mode of options.modes) {
      const started = performance.now();
      const loss = await inMode(mode, session.step);
      const ms = performance.now() - started;
      if (round >= 0) times.get(mode)!.push(ms);
      line.push(`${mode} ${ms.toFixed(0)} ms (loss ${loss.toFixed(4)})`);
    }
    loads.push(loadavg()[0]!);
    console.log(`${name} ${round < 0 ? 'warm-up' : `round ${round + 1}`}: ${line.join(', ')}`);
  }
  session.dispose();
  const medians = options.modes.map((mode) => `${mode} ${median(times.get(mode)!).toFixed(0)} ms`);
  console.log(`${name}, batch ${net.batch}: median of ${options.rounds}: ${medians.join(', ')}`);
}
console.log(`load average (1 min) during the run: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
process.exit(0);
