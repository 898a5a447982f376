/**
 * `ktlab smoke [--steps n] [--seed n]`: the worker check (jobs/smoke.job.ts) in this process, without a portal —
 * prints the backend it trained on and the end of the loss curve. It is how a new host (the device bundle's
 * run.sh, a GPU machine) is checked before it joins as a worker.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { smokeConfigSchema } from '@ktlab/config';
import { shareGpuWithKMeans } from '@ktlab/pipeline';
import { selectBackend } from '@ktlab/tf-backend';
import type { JobContext } from '../jobs/job';
import { smokeJob } from '../jobs/smoke.job';

export function registerSmokeCommand(program: Command): void {
  program
    .command('smoke')
    .description('train the worker check (a tiny conv net on generated images) here and print its loss curve end')
    .option('--steps <n>', 'training steps', '60')
    .option('--seed <n>', 'random seed', '0')
    .action(async (options: { steps: string; seed: string }) => {
      const config = smokeConfigSchema.parse({ kind: 'smoke', steps: Number(options.steps), seed: Number(options.seed), stepDelayMs: 0 });
      const backend = await selectBackend({}, pino({ level: 'silent' }));
      shareGpuWithKMeans(backend);
      console.log(`ktlab smoke: backend ${backend.name} (${backend.kind}; ${backend.devices.join(', ') || 'no device name'})`);
      const losses: number[] = [];
      const accuracies: number[] = [];
      const started = Date.now();
      const context: JobContext = {
        runId: 'local-smoke',
        attempt: 1,
        config,
        signal: new AbortController().signal,
        finishedStages: new Set(),
        metric: async (key, _step, value) => {
          if (key === 'train/loss') losses.push(value);
          if (key === 'train/accuracy') accuracies.push(value);
        },
        stage: async () => undefined,
        log: (message) => console.log(message),
        uploadArtifact: async () => undefined,
        checkpoints: () => ({ restore: async () => 'none', push: async () => undefined }),
      };
      await smokeJob(context);
      const seconds = (Date.now() - started) / 1000;
      const curveEnd = losses.slice(-5).map((loss) => loss.toFixed(4)).join(' ');
      console.log(`ktlab smoke: ${losses.length} steps in ${seconds.toFixed(1)} s; loss ${losses[0]?.toFixed(4)} → ${curveEnd}; accuracy ${accuracies.at(-1)?.toFixed(3)}`);
      console.log(`ktlab smoke: ok (backend ${backend.name})`);
    });
}
