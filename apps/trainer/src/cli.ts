/**
 * `npm run ktlab -- run --preset cc-jigsaw++ --data <folder> [--test <folder>] [--quick]`, or
 * `run --config run.yaml [--set pretext.epochs=10 …]`: one pipeline run on this machine, without the portal —
 * the resolved config printed and kept, progress bars per stage, results in a local run folder.
 * `npm run ktlab -- config <preset> [--quick] [--format json]`: a preset's full config, to start a file from.
 * `npm run ktlab -- submit --portal <url> --config run.yaml`: the same config queued on the portal.
 * `npm run ktlab -- publish <run-dir> --portal <url> [--project <slug>]`: show that run in the portal afterwards.
 * `npm run ktlab -- smoke`: the worker check in this process (backend and loss curve end), e.g. on a new GPU host.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { pino } from 'pino';
import { presets, type PipelineConfig } from '@ktlab/config';
import { formatConfigText } from '@ktlab/config/config-text';
import { cacheDir, ktlabHome, sharedDir } from '@ktlab/config/paths';
import { listRunDownloads, PipelineAbortedError, runPipeline, shareGpuWithKMeans, type EvalResult } from '@ktlab/pipeline';
import { readRunManifest, writeRunManifest } from '@ktlab/publish';
import { selectBackend } from '@ktlab/tf-backend';
import { registerPublishCommand } from './publish/publish-command';
import { addConfigSourceOptions, resolveCliConfig, resolveOrExit, type ConfigSourceOptions } from './run-config/cli-config';
import { registerConfigCommand } from './run-config/config-command';
import { runFolderConflict } from './run-config/run-folder-config';
import { registerSubmitCommand } from './run-config/submit-command';
import { registerSmokeCommand } from './smoke/smoke-command';

/** A `ktlab run` whose pipeline stopped: its message, and where its finished stages wait to be resumed. */
class RunFailedError extends Error {
  constructor(message: string, readonly runDir: string, readonly aborted: boolean) {
    super(message);
  }
}

const program = new Command('ktlab').description('Knowledge transfer for self-supervised learning (Noroozi et al., CVPR 2018)');

program
  .command('presets')
  .description('list the methods (the paper\'s rows)')
  .action(() => {
    for (const preset of presets) console.log(`${preset.id.padEnd(26)} ${preset.name}: ${preset.description}`);
  });

const runCommand = program
  .command('run')
  .description('run one method end to end on this machine, from a preset or a config file')
  .option('--run-dir <folder>', 'where checkpoints and results go (default: .ktlab/runs/local-<preset or file name>-<seed>)');
addConfigSourceOptions(runCommand).addHelpText('after', [
  '',
  'Examples:',
  '  npm run ktlab -- run --preset cc-jigsaw++ --data ../shared/datasets/cifar10/train --quick',
  '  npm run ktlab -- config cc-jigsaw++ --quick > run.yaml',
  '  npm run ktlab -- run --config run.yaml --set pretext.epochs=10 --set clustering.k=100',
].join('\n'));
runCommand.action(async (options: ConfigSourceOptions & { runDir?: string }) => {
  const resolved = resolveOrExit('run', () => resolveCliConfig(options, { requireData: true, absolutePaths: true, sharedDir: sharedDir() }));
  if (resolved.config.kind !== 'pipeline') {
    console.error(`ktlab run: runs pipelines; this config is kind "${resolved.config.kind}" (run the worker check with \`ktlab smoke\`)`);
    process.exit(2);
  }
  const config: PipelineConfig = resolved.config;
  const { seed } = resolved;
  const quick = options.quick;
  const runDir = resolve(options.runDir ?? join(ktlabHome(), 'runs', `local-${resolved.label}-${seed}${quick ? '-quick' : ''}`));
  const conflict = runFolderConflict(runDir, config);
  if (conflict) {
    console.error(`ktlab run: ${conflict}`);
    process.exit(2);
  }
  const backend = await selectBackend({}, pino({ level: 'silent' }));
  shareGpuWithKMeans(backend);
  const skipped = backend.attempts.filter((a) => !a.ok).map((a) => a.reason ?? a.name);
  mkdirSync(runDir, { recursive: true });
  // The resolved config, every field: what this run trained with, and what `ktlab publish` sends.
  writeFileSync(join(runDir, 'config.json'), JSON.stringify(config, null, 2));
  console.log(`ktlab: ${resolved.method} on ${config.data.path}; resolved config:`);
  console.log(formatConfigText(config, 'yaml').replace(/^(?=.)/gm, '  ').trimEnd());
  console.log(
    `  backend ${backend.name} (${backend.kind}, ${backend.threads} threads${backend.nativeGemm ? `, native GEMM ${backend.nativeGemm}` : ''})` +
      `${skipped.length ? `; skipped: ${skipped.join('; ')}` : ''}`,
  );
  console.log(`  run folder ${runDir}`);

  const bars = new cliProgress.MultiBar(
    {
      format: ' {stage} |{bar}| {percentage}% | ETA {eta_formatted} | {message}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      // Without a terminal (CI, logs) redraw every 30 s as plain lines instead of staying silent.
      noTTYOutput: true,
      notTTYSchedule: 30_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const stageBars = new Map<string, cliProgress.SingleBar>();
  const started = Date.now();
  // A resumed run keeps its first start and the timings of the stages an earlier invocation ran.
  const earlier = (() => {
    try {
      return readRunManifest(runDir);
    } catch {
      return undefined;
    }
  })();
  const stageStarts = new Map<string, number>();
  const stageSeconds: Record<string, number> = {};
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort('interrupted (run the same command again to resume)'));
  // Every metric point as one JSON line (`{"key","step","value"}`), appended across resumed invocations.
  const metrics = createWriteStream(join(runDir, 'metrics.jsonl'), { flags: 'a' });
  // Without a terminal the bars redraw only every 30 s; log lines go straight out so nothing waits or is lost.
  const log = (message: string) => {
    if (process.stdout.isTTY) bars.log(`${message}\n`);
    else console.log(message);
  };
  let results: EvalResult[];
  try {
    results = await runPipeline({
      config,
      runDir,
      cacheDir: cacheDir(),
      signal: controller.signal,
      metric: (key, step, value) => {
        metrics.write(`${JSON.stringify({ key, step, value })}\n`);
      },
      stage: (kind, status, progress, message) => {
        if (status === 'running' && progress === 0) stageStarts.set(kind, Date.now());
        const stageStart = stageStarts.get(kind);
        if (status === 'succeeded' && stageStart !== undefined) stageSeconds[kind] = (Date.now() - stageStart) / 1000;
        let bar = stageBars.get(kind);
        if (!bar) {
          bar = bars.create(1000, 0, { stage: kind.padEnd(22), message: '' });
          stageBars.set(kind, bar);
        }
        bar.update(Math.round(progress * 1000), { message: status === 'running' ? (message ?? '') : `${status}${message ? ` (${message})` : ''}` });
      },
      log,
    });
  } catch (error) {
    throw new RunFailedError((error as Error).message, runDir, error instanceof PipelineAbortedError);
  } finally {
    bars.stop();
    await new Promise<void>((resolve) => metrics.end(resolve));
  }
  writeFileSync(join(runDir, 'results.json'), JSON.stringify(results, null, 2));
  // What `ktlab publish` needs to show the run in the portal as it happened.
  writeRunManifest(runDir, {
    version: 1,
    preset: resolved.method,
    seed,
    quick,
    host: hostname(),
    backend: `${backend.name} (${backend.kind})`,
    startedAt: earlier?.startedAt ?? new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    stageSeconds: { ...earlier?.stageSeconds, ...stageSeconds },
  });
  const layers = [...new Set(results.map((r) => r.layer))];
  const protocols = [...new Set(results.map((r) => r.protocol))];
  console.log(`\n${'protocol'.padEnd(10)}${layers.map((l) => l.padStart(9)).join('')}`);
  for (const protocol of protocols) {
    const cells = layers.map((layer) => results.find((r) => r.protocol === protocol && r.layer === layer));
    console.log(`${protocol.padEnd(10)}${cells.map((c) => (c ? `${(c.value * 100).toFixed(1)}%` : '—').padStart(9)).join('')}`);
  }
  console.log(`\ndone in ${((Date.now() - started) / 60_000).toFixed(1)} min; results in ${join(runDir, 'results.json')}`);
  const downloads = listRunDownloads(runDir);
  if (downloads.length > 0) console.log(`files: ${downloads.map((file) => file.path).join(', ')}`);
  console.log(`show it in the portal: npm run ktlab -- publish ${runDir} --portal http://localhost:3000`);
});

registerConfigCommand(program);
registerSubmitCommand(program);
registerPublishCommand(program);
registerSmokeCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Printed as a message, not thrown on: an uncaught error's stack runs through the minified wasm backend, whose
  // one-line source Node would print whole.
  const failed = error instanceof RunFailedError ? error : undefined;
  const command = program.args[0];
  console.error(`ktlab${command ? ` ${command}` : ''}: ${(error as Error).message}`);
  if (failed) console.error(`the stages that finished are kept in ${failed.runDir}: the same command resumes from them (a changed config needs another --run-dir)`);
  process.exit(failed?.aborted ? 130 : 1);
}
// The TensorFlow.js backend's worker threads would keep the process alive after the results are printed.
process.exit(0);
