/**
 * Runs a study's cells on this machine, one after another, in-process (runPipeline). Each cell has its own folder
 * under `.ktlab/study/<scale>/<cell-id>/`; a finished cell (its `cell.json` names the same config) is skipped, a
 * half-finished one resumes from its stage checkpoints. A pretext network another cell already trained with the
 * identical prefix config is copied in instead of trained again, and a transfer cell evaluates the networks its main
 * cell trained.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { pino } from 'pino';
import { runPipeline, PipelineAbortedError } from '@ktlab/pipeline';
import { selectBackend, vectorIsaLabel } from '@ktlab/tf-backend';
import { finishedCell, writeCellResult, writeCommittedCell } from './cell-files';
import { cellResult, type CellRunOutcome, configHash, designCellCount, type MachineInfo, pretextKey, type StudyCell, type StudyPlan } from '@ktlab/study';
import { etaSeconds, formatDuration } from './eta';

export interface LocalRunOptions {
  plan: StudyPlan;
  /** `.ktlab/study/<scale>` */
  studyDir: string;
  /** Committed copies of finished cells (`docs/results/<scale>/cells`): read to skip cells, written as cells finish. */
  cellsDir?: string;
  cacheDir: string;
  signal: AbortSignal;
  /** Plain log lines (no progress bars), for tests and logs. */
  quiet?: boolean;
}

export interface LocalRunSummary {
  ran: string[];
  skipped: string[];
  failed: { id: string; error: string }[];
}

export function cellDir(studyDir: string, cellId: string): string {
  return join(studyDir, cellId);
}

/** Copies a finished pretext stage (its record and trunk) from another cell's folder. */
function reusePretext(from: string, to: string): boolean {
  const record = join(from, 'stages', 'pretext.json');
  if (!existsSync(record) || !existsSync(join(from, 'pretext', 'trunk', 'model.json'))) return false;
  if (existsSync(join(to, 'stages', 'pretext.json'))) return false;
  mkdirSync(join(to, 'stages'), { recursive: true });
  cpSync(join(from, 'pretext', 'trunk'), join(to, 'pretext', 'trunk'), { recursive: true });
  cpSync(record, join(to, 'stages', 'pretext.json'));
  return true;
}

/**
 * A folder of this study, other than `cellId`'s, that trained the pretext a cell with `key` needs: the owner the
 * plan names, else any cell folder here (one left out of this plan by --only, or from an earlier sitting) whose
 * config has the same pretext prefix and whose pretext stage finished.
 */
function pretextDonor(studyDir: string, cellId: string, key: string, planOwner: string | undefined): string | undefined {
  if (planOwner && planOwner !== cellId) return planOwner;
  if (!existsSync(studyDir)) return undefined;
  for (const entry of readdirSync(studyDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === cellId || entry.name.includes('.replaced-')) continue;
    const dir = join(studyDir, entry.name);
    if (!existsSync(join(dir, 'stages', 'pretext.json')) || !existsSync(join(dir, 'config.json'))) continue;
    try {
      if (pretextKey(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as StudyCell['config']) === key) return entry.name;
    } catch {
      // A folder whose config cannot be read donates nothing.
    }
  }
  return undefined;
}

/** Time spent in earlier, interrupted attempts of a cell (so a resumed cell's wall time is the whole of it). */
const ATTEMPTS_FILE = 'attempts-seconds.json';

/** What a run folder holds besides its trained stages: the evaluation and the study's own files. */
const NOT_TRAINING = new Set(['eval', 'figures', 'stages', 'config.json', 'cell.json', 'results.json', ATTEMPTS_FILE]);

/**
 * Copies every finished stage before the evaluation (records, networks, features, labels) from the main cell's
 * folder, when that folder ran the transfer cell's training config (they differ only in `evaluation`) and its
 * target network is trained; the pipeline then restores them and runs only the evaluation.
 */
export function reuseTrainedNetworks(from: string, to: string, mainConfig: StudyCell['config']): boolean {
  const configFile = join(from, 'config.json');
  if (!existsSync(configFile) || configHash(JSON.parse(readFileSync(configFile, 'utf8')) as StudyCell['config']) !== configHash(mainConfig)) return false;
  if (!existsSync(join(from, 'stages', 'cluster-classification.json'))) return false;
  if (existsSync(join(to, 'stages', 'cluster-classification.json'))) return false;
  copyTrainedStages(from, to);
  return true;
}

/** The code a cell ran, so results computed by different versions of a protocol can be told apart. */
function codeVersion(): string | undefined {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=12'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function runLocally(options: LocalRunOptions): Promise<LocalRunSummary> {
  const { plan, studyDir, signal } = options;
  mkdirSync(studyDir, { recursive: true });
  const backend = await selectBackend({}, pino({ level: 'silent' }));
  const summary: LocalRunSummary = { ran: [], skipped: [], failed: [] };
  const pending = plan.cells.filter((cell) => {
    if (finishedCell(cell, cellDir(studyDir, cell.id), options.cellsDir)) {
      summary.skipped.push(cell.id);
      return false;
    }
    return true;
  });
  const say = (line: string) => (options.quiet ? console.log(line) : bars.log(`${line}\n`));
  const bars = new cliProgress.MultiBar(
    {
      format: ' {name} |{bar}| {value}/{total} | {message}',
      hideCursor: true,
      clearOnComplete: false,
      noTTYOutput: !options.quiet,
      notTTYSchedule: 30_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = options.quiet ? undefined : bars.create(plan.cells.length, summary.skipped.length, { name: 'study'.padEnd(24), message: '' });
  const stageBar = options.quiet ? undefined : bars.create(1000, 0, { name: ''.padEnd(24), message: '' });
  const durations: number[] = [];
  const commit = codeVersion();
  const pretextOwners = new Map<string, string>();
  for (const cell of plan.cells) {
    const key = pretextKey(cell.config);
    if (key && !pretextOwners.has(key)) pretextOwners.set(key, cell.id);
  }
  say(`study ${plan.scale.name}: ${plan.cells.length} cells, ${summary.skipped.length} already finished; backend ${backend.name} (${backend.threads} threads); folder ${studyDir}`);

  try {
    for (const [index, cell] of pending.entries()) {
      if (signal.aborted) break;
      const dir = cellDir(studyDir, cell.id);
      const setAside = setAsideIfOtherConfig(dir, cell);
      if (setAside?.keptTrainedStages) say(`${cell.id}: only its evaluation settings changed; kept its trained stages, evaluating again (the previous run is in ${setAside.movedTo})`);
      else if (setAside) say(`${cell.id}: its folder holds a run of another config (the plan or the schema changed); moved it to ${setAside.movedTo} and starting afresh`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify(cell.config, null, 2));
      const reused: string[] = setAside?.keptTrainedStages ? ['trained stages from its run before the evaluation settings changed'] : [];
      const key = pretextKey(cell.config);
      const owner = key ? pretextDonor(studyDir, cell.id, key, pretextOwners.get(key)) : undefined;
      const main = cell.evaluates ? plan.cells.find((other) => other.id === cell.evaluates) : undefined;
      if (main && reuseTrainedNetworks(cellDir(studyDir, main.id), dir, main.config)) {
        reused.push(`networks from ${main.id}`);
        say(`${cell.id}: evaluating the networks ${main.id} trained (identical config up to the evaluation)`);
      } else if (owner && owner !== cell.id && reusePretext(cellDir(studyDir, owner), dir)) {
        reused.push(`pretext from ${owner}`);
        say(`${cell.id}: pretext network reused from ${owner} (identical seed, data and pretext settings)`);
      }
      const remaining = pending.length - index;
      // A scale not sized yet (projectedMinutes 0) has no estimate until its first cell finishes: "?" rather than "0 s".
      const eta = etaSeconds(durations, remaining, ((plan.scale.projectedMinutes || Number.NaN) * 60) / designCellCount(plan.scale));
      const etaText = `ETA ${formatDuration(eta)} (${remaining} cells left)`;
      overall?.update({ message: `${cell.id} — ${etaText}` });
      if (options.quiet) say(`[${index + 1}/${pending.length}] ${cell.id} — ${etaText}`);
      const machine: MachineInfo = {
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        isa: vectorIsaLabel(),
        cores: cpus().length,
        loadAverage: Number(loadavg()[0]!.toFixed(2)),
        backend: `${backend.name} (${backend.kind})`,
        threads: backend.threads,
        where: 'local',
      };
      const startedAt = new Date();
      const cpuAtStart = process.cpuUsage();
      const stageStarted = new Map<string, number>();
      const stageSeconds: Record<string, number> = {};
      const heldOut = new Map<number, number>();
      try {
        const results = await runPipeline({
          config: cell.config,
          runDir: dir,
          cacheDir: options.cacheDir,
          signal,
          metric: (key, step, value) => {
            if (key === 'pretext/heldout_top1') heldOut.set(step, value);
          },
          stage: (kind, status, progress, message) => {
            if (status === 'running' && !stageStarted.has(kind)) stageStarted.set(kind, Date.now());
            if (status === 'succeeded' && stageStarted.has(kind)) stageSeconds[kind] = Number(((Date.now() - stageStarted.get(kind)!) / 1000).toFixed(1));
            stageBar?.update(Math.round(progress * 1000), { name: `  ${kind}`.padEnd(24), message: status === 'running' ? (message ?? '') : `${status}${message ? ` (${message})` : ''}` });
          },
          log: (message) => {
            if (!options.quiet) bars.log(`  ${cell.id}: ${message}\n`);
          },
        });
        const seconds = (Date.now() - startedAt.getTime()) / 1000;
        const cpu = process.cpuUsage(cpuAtStart);
        durations.push(seconds);
        writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2));
        const result = cellResult(cell, {
          results,
          wallSeconds: Number((seconds + previousSeconds(dir)).toFixed(1)),
          cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
          stageSeconds,
          reused,
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          machine,
          ...(commit ? { commit } : {}),
          ...pretextHeldOut(cell, heldOut),
        });
        writeCellResult(dir, result);
        if (options.cellsDir) writeCommittedCell(options.cellsDir, result, cell.config);
        summary.ran.push(cell.id);
        overall?.increment();
        say(`${cell.id}: done in ${formatDuration(seconds)}`);
      } catch (error) {
        addPreviousSeconds(dir, (Date.now() - startedAt.getTime()) / 1000);
        if (error instanceof PipelineAbortedError || signal.aborted) {
          say(`${cell.id}: stopped; run the same command again to resume it from its checkpoint`);
          break;
        }
        const message = (error as Error).message;
        summary.failed.push({ id: cell.id, error: message });
        say(`${cell.id}: FAILED: ${message}`);
      }
    }
  } finally {
    bars.stop();
  }
  return summary;
}

/**
 * The held-out pretext curve of this attempt. A cell resumed after its pretext stage (or that reused another cell's
 * pretext) measured nothing here and records none.
 */
export function pretextHeldOut(cell: StudyCell, measured: ReadonlyMap<number, number>): Pick<CellRunOutcome, 'pretextHeldOut'> {
  if (!measured.size) return {};
  const { batchSize, permutations } = cell.config.pretext;
  const curve = [...measured.entries()].sort((a, b) => a[0] - b[0]).map(([step, top1]) => ({ puzzles: step * batchSize, top1 }));
  return { pretextHeldOut: { permutations, curve } };
}

/** The config without its evaluation: what the trained stages (pretext … target network) depend on. */
function trainingPart(config: StudyCell['config']): string {
  const { evaluation: _evaluation, ...training } = config;
  return configHash(training as StudyCell['config']);
}

/** Copies every stage before the evaluation (records, networks, features, labels, checkpoints) from one folder to another. */
function copyTrainedStages(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (!NOT_TRAINING.has(entry)) cpSync(join(from, entry), join(to, entry), { recursive: true });
  }
  mkdirSync(join(to, 'stages'), { recursive: true });
  if (!existsSync(join(from, 'stages'))) return;
  for (const record of readdirSync(join(from, 'stages'))) {
    if (record !== 'eval.json') cpSync(join(from, 'stages', record), join(to, 'stages', record));
  }
}

export interface SetAside {
  /** Where the previous folder now is. */
  movedTo: string;
  /** Only the evaluation settings changed: the trained stages were copied back and only the evaluation runs again. */
  keptTrainedStages: boolean;
}

/**
 * Stage checkpoints do not know the config they came from: a folder that ran another config must not be resumed.
 * It is renamed (never deleted) and the cell starts afresh — except that when only `evaluation` changed, the
 * trained stages (networks, features, pseudo-labels, checkpoints) are copied back, so a new protocol or head
 * setting costs an evaluation, not a retraining.
 */
export function setAsideIfOtherConfig(dir: string, cell: StudyCell): SetAside | undefined {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return undefined;
  const previous = JSON.parse(readFileSync(file, 'utf8')) as StudyCell['config'];
  if (configHash(previous) === configHash(cell.config)) return undefined;
  const movedTo = `${dir}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(dir, movedTo);
  const keptTrainedStages = trainingPart(previous) === trainingPart(cell.config);
  if (keptTrainedStages) copyTrainedStages(movedTo, dir);
  return { movedTo, keptTrainedStages };
}

function previousSeconds(dir: string): number {
  const file = join(dir, ATTEMPTS_FILE);
  if (!existsSync(file)) return 0;
  const value = JSON.parse(readFileSync(file, 'utf8')) as { seconds?: number };
  return typeof value.seconds === 'number' ? value.seconds : 0;
}

function addPreviousSeconds(dir: string, seconds: number): void {
  writeFileSync(join(dir, ATTEMPTS_FILE), JSON.stringify({ seconds: previousSeconds(dir) + seconds }));
}
