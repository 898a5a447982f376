/**
 * Runs the probe's cells here, one after another (runPipeline in-process, resumable from stage and epoch
 * checkpoints in `.ktlab/study/probe/<cell>/`), and commits each finished cell as a small JSON file under
 * docs/results/probe/cells/. A cell whose committed file names the same config is skipped.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { runPipeline, PipelineAbortedError } from '@ktlab/pipeline';
import { describeCpuHost, selectBackend } from '@ktlab/tf-backend';
import { configHash } from '@ktlab/study';
import { PROBE_DESIGN, type ProbeCell } from './probe-plan';
import { curvePointSchema, readProbeResult, writeProbeResult } from './probe-result';

export interface ProbeRunOptions {
  cells: readonly ProbeCell[];
  /** `.ktlab/study/probe` */
  workDir: string;
  /** docs/results/probe/cells */
  cellsDir: string;
  cacheDir: string;
  signal: AbortSignal;
  say(line: string): void;
  /** After each finished cell (the report is rewritten, so a stopped sitting leaves it current). */
  afterCell?(): Promise<void>;
}

const epochLossSchema = z.object({ epoch: z.number().int(), loss: z.number() });

/**
 * Records appended one JSON line each while a cell trains, kept on disk so a resumed cell keeps those of its
 * earlier attempts; a record measured again (after a resume) replaces the earlier one. Sorted by `orderOf`.
 */
export function readRecords<T>(file: string, schema: z.ZodType<T>, orderOf: (record: T) => number): T[] {
  if (!existsSync(file)) return [];
  const byOrder = new Map<number, T>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = schema.parse(JSON.parse(line));
    byOrder.set(orderOf(record), record);
  }
  return [...byOrder.entries()].sort((a, b) => a[0] - b[0]).map(([, record]) => record);
}

export async function runProbe(options: ProbeRunOptions): Promise<{ ran: string[]; skipped: string[]; failed: string[] }> {
  const backend = await selectBackend({}, pino({ level: 'silent' }));
  const summary = { ran: [] as string[], skipped: [] as string[], failed: [] as string[] };
  const cpu = describeCpuHost();
  options.say(`probe: ${options.cells.length} cells on ${cpu}, backend ${backend.name} (${backend.threads} threads${backend.nativeGemm ? `, native GEMM ${backend.nativeGemm}` : ''})`);
  for (const cell of options.cells) {
    if (options.signal.aborted) break;
    const hash = configHash(cell.config);
    if (readProbeResult(options.cellsDir, cell.id)?.configHash === hash) {
      summary.skipped.push(cell.id);
      continue;
    }
    const dir = join(options.workDir, cell.id);
    mkdirSync(dir, { recursive: true });
    const curveFile = join(dir, `curve-${hash}.jsonl`);
    const lossFile = join(dir, `epoch-loss-${hash}.jsonl`);
    const stageStarted = new Map<string, number>();
    const stageSeconds: Record<string, number> = {};
    const startedAt = Date.now();
    const cpuAtStart = process.cpuUsage();
    const loadAtStart = Number(loadavg()[0]!.toFixed(2));
    options.say(`${cell.id}: ${cell.task}, ${cell.permutations} permutations, ${cell.imageSize}px puzzles, width ${cell.widthMultiplier}, learning rate ${cell.learningRate}`);
    try {
      const results = await runPipeline({
        config: cell.config,
        runDir: dir,
        cacheDir: options.cacheDir,
        signal: options.signal,
        metric: (key, step, value) => {
          if (key === 'pretext/heldout_top1') {
            appendFileSync(curveFile, `${JSON.stringify({ step, puzzles: step * cell.config.pretext.batchSize, top1: value })}\n`);
          } else if (key === 'pretext/epoch_loss') {
            appendFileSync(lossFile, `${JSON.stringify({ epoch: step, loss: value })}\n`);
          }
        },
        stage: (kind, status) => {
          if (status === 'running' && !stageStarted.has(kind)) stageStarted.set(kind, Date.now());
          if (status === 'succeeded' && stageStarted.has(kind)) stageSeconds[kind] = Number(((Date.now() - stageStarted.get(kind)!) / 1000).toFixed(1));
        },
        log: (message) => {
          if (message.includes('held-out top-1') || message.startsWith('linear')) options.say(`  ${cell.id}: ${message}`);
        },
      });
      const used = process.cpuUsage(cpuAtStart);
      const linear = Object.fromEntries(results.filter((r) => r.protocol === 'linear').map((r) => [r.layer, r.value]));
      writeProbeResult(options.cellsDir, {
        version: 1,
        id: cell.id,
        task: cell.task,
        permutations: cell.permutations,
        imageSize: cell.imageSize,
        widthMultiplier: cell.widthMultiplier,
        learningRate: cell.learningRate,
        epochs: cell.epochs,
        ...(cell.curriculum ? { curriculum: cell.curriculum } : {}),
        configHash: hash,
        trainImages: PROBE_DESIGN.trainImages,
        heldOutImages: PROBE_DESIGN.heldOutImages,
        curve: readRecords(curveFile, curvePointSchema, (point) => point.step),
        epochLoss: readRecords(lossFile, epochLossSchema, (record) => record.epoch).map((record) => record.loss),
        linear,
        wallSeconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)),
        cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(1)),
        stageSeconds,
        machine: { cpu, backend: `${backend.name}${backend.nativeGemm ? ` + ${backend.nativeGemm}` : ''}`, threads: backend.threads, loadAtStart },
        finishedAt: new Date().toISOString(),
      });
      summary.ran.push(cell.id);
      options.say(`${cell.id}: done in ${((Date.now() - startedAt) / 60_000).toFixed(1)} min`);
      await options.afterCell?.();
    } catch (error) {
      if (error instanceof PipelineAbortedError || options.signal.aborted) {
        options.say(`${cell.id}: stopped; run the same command again to resume it`);
        break;
      }
      summary.failed.push(cell.id);
      options.say(`${cell.id}: FAILED: ${(error as Error).message}`);
    }
  }
  return summary;
}
