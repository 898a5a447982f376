/**
 * The trainer daemon: register → loop { claim → execute → finish }, heart-beating the held run's lease from a
 * worker thread (lease-heartbeat.ts), so that a training loop holding the main thread cannot let it lapse.
 * Cancel (from the portal) and shutdown (SIGTERM/SIGINT) stop the job at its next step boundary; on
 * shutdown the run is handed back to the queue, to be resumed by the next worker.
 */
import os from 'node:os';
import { join } from 'node:path';
import type { RunConfig, WorkerCapabilities } from '@ktlab/config';
import { cacheDir } from '@ktlab/config/paths';
import type { RunFiles } from '@ktlab/pipeline';
import type { PortalClient } from './api-client';
import type { ArtifactUploader } from './artifact-uploader';
import { workerCapabilities } from './capabilities';
import { CheckpointSync, type CheckpointTransport } from './checkpoint-sync';
import type { JobContext, RunCheckpoints } from './jobs/job';
import { jobFor } from './jobs/registry';
import type { HeartbeatAnswer, LeaseHeartbeat } from './lease-heartbeat';
import { LogShipper } from './log-shipper';
import { MetricSpool } from './metric-spool';
import { MetricsReporter, replaySpooledMetrics } from './metrics-reporter';
import { createRunShardQueue } from './shards/run-shard-queue';
import { ShardExecutor } from './shards/shard-executor';
import { shardLimitFromEnv } from './shards/test-shard-limit';
import { isLostRun, isTransient, withRetry } from './retry';

export interface DaemonOptions {
  client: PortalClient;
  /** Renews the held run's lease off the main thread; the daemon starts it at registration and stops it at the end. */
  heartbeat: LeaseHeartbeat;
  name: string;
  backend: { name: string; devices?: Record<string, unknown> };
  /** What runs' requirements are matched against; default: detected from this machine and the backend. */
  capabilities?: WorkerCapabilities;
  /** Wait between claims when the queue is empty. */
  idlePollMs?: number;
  /** Stop after this many runs (tests); default: run until stopped. */
  maxRuns?: number;
  /** Exit when the queue is empty instead of polling (tests, batch use). */
  exitWhenIdle?: boolean;
  log?: (message: string) => void;
  /** Sends run files to the portal; without it artifacts stay in the worker's run folder. */
  uploadArtifact?: ArtifactUploader;
  /** Copies run folders' checkpoints to the portal and back; without it a run resumes only on the same machine. */
  checkpoints?: CheckpointTransport;
  /**
   * Where sharded stages exchange files; with it the worker executes other runs' shards when it has no run,
   * and shares its own runs' k-means shards with other workers.
   */
  shardFiles?: RunFiles;
  /** This worker's on-disk metric buffer (`<state>/metrics-spool`); without it metrics wait in memory only. */
  metricSpoolDir?: string;
}

type StopReason = 'cancelled' | 'shutdown' | 'lease-lost';

export class TrainerDaemon {
  private stopping = false;
  private current?: { runId: string; controller: AbortController };
  private readonly log: (message: string) => void;
  private wakeIdle?: () => void;
  private shards?: ShardExecutor;
  runsExecuted = 0;

  constructor(private readonly options: DaemonOptions) {
    this.log = options.log ?? ((message) => console.log(`[trainer ${options.name}] ${message}`));
  }

  /** Asks the daemon to stop: the current run is handed back, then `run()` resolves. */
  stop(): void {
    this.stopping = true;
    this.current?.controller.abort('shutdown' satisfies StopReason);
    this.wakeIdle?.();
  }

  async run(): Promise<void> {
    const { client } = this.options;
    const registration = await withRetry(
      () =>
        client.worker.register.mutate({
          name: this.options.name,
          host: os.hostname(),
          backend: this.options.backend.name,
          devices: this.options.backend.devices,
          capabilities: this.options.capabilities ?? workerCapabilities(this.options.backend.name),
        }),
      { retryIf: isTransient, onRetry: (e, n) => n % 10 === 1 && this.log(`waiting for the portal (${(e as Error).message})`) },
    );
    this.log(`registered as ${registration.workerId} (backend ${this.options.backend.name})`);
    const spoolDir = this.options.metricSpoolDir;
    if (spoolDir) await replaySpooledMetrics(client, registration.workerId, { runIds: MetricSpool.runs(spoolDir), open: (id) => new MetricSpool(join(spoolDir, id)) }, this.log);
    const { heartbeat } = this.options;
    heartbeat.start(registration.workerId, registration.heartbeatMs, (runId, answer) => this.onHeartbeatAnswer(runId, answer));
    if (this.options.shardFiles) {
      // no limit unless a scale-out test asks for one (KTLAB_TEST_MAX_SHARDS under a test runner)
      const maxShards = shardLimitFromEnv(process.env, this.log);
      this.shards = new ShardExecutor({ client, workerId: registration.workerId, files: this.options.shardFiles, cacheDir: cacheDir(), leases: heartbeat, maxShards, log: this.log });
    }
    try {
      while (!this.stopping && (this.options.maxRuns === undefined || this.runsExecuted < this.options.maxRuns)) {
        const run = await withRetry(() => client.worker.claim.mutate({ workerId: registration.workerId }), {
          retryIf: isTransient,
          signal: undefined,
        });
        if (!run) {
          if (await this.executeOneShard()) continue;
          if (this.options.exitWhenIdle) break;
          await new Promise<void>((resolve) => {
            this.wakeIdle = resolve;
            setTimeout(resolve, this.options.idlePollMs ?? 1000);
          });
          continue;
        }
        await this.execute(registration.workerId, run);
        this.runsExecuted++;
      }
    } finally {
      await heartbeat.stop();
      await this.shards?.close();
    }
  }

  /** A shard of someone else's run, when there is one and this worker shares work; whether one was executed. */
  private async executeOneShard(): Promise<boolean> {
    if (!this.shards || this.stopping) return false;
    try {
      return await this.shards.runOne();
    } catch (error) {
      this.log(`shard queue unavailable: ${(error as Error).message}`);
      return false;
    }
  }

  /** Runs on the main thread when it next gets control; the job sees the abort at its next step boundary. */
  private onHeartbeatAnswer(runId: string, answer: HeartbeatAnswer): void {
    const current = this.current;
    if (!current || current.runId !== runId) return;
    if (!answer.holdsRun) current.controller.abort('lease-lost' satisfies StopReason);
    else if (answer.cancelRequested) current.controller.abort('cancelled' satisfies StopReason);
  }

  /**
   * A failed push costs portability, not the run: it is logged and the next boundary sends everything that
   * changed since. A failed restore is fatal (resuming from a half-copied folder could mix two checkpoints).
   */
  private runCheckpoints(runId: string, runName: string, runDir: string, signal: AbortSignal, flushMetrics: () => Promise<void>): RunCheckpoints {
    const transport = this.options.checkpoints;
    if (!transport) return { restore: async () => 'none', push: async () => undefined };
    const sync = new CheckpointSync(transport, runId, runDir, (message) => this.log(`run ${runName}: ${message}`));
    return {
      restore: () => sync.restore(),
      // Metrics first: a checkpoint on the portal must never be ahead of the points the portal has, or a
      // resumed attempt (which replays only the steps after it) would leave a gap.
      push: () =>
        flushMetrics()
          .then(() => sync.push())
          .catch((error: unknown) => {
            if (!signal.aborted) this.log(`run ${runName}: checkpoint not sent to the portal: ${(error as Error).message}`);
          }),
    };
  }

  private async execute(
    workerId: string,
    run: { id: string; name: string; attempt: number; config: RunConfig; stages: { kind: string; status: string }[] },
  ): Promise<void> {
    const { client } = this.options;
    const controller = new AbortController();
    this.current = { runId: run.id, controller };
    this.options.heartbeat.hold(run.id);
    this.log(`run ${run.name} (${run.id}) attempt ${run.attempt}: started`);
    let stageReports: Promise<void> = Promise.resolve();
    const spool = this.options.metricSpoolDir ? new MetricSpool(join(this.options.metricSpoolDir, run.id)) : undefined;
    const reporter = new MetricsReporter(client, { workerId, runId: run.id }, { log: this.log, spool });
    const logs = new LogShipper(client, { workerId, runId: run.id, attempt: run.attempt }, { log: this.log });
    const context: JobContext = {
      runId: run.id,
      attempt: run.attempt,
      config: run.config,
      signal: controller.signal,
      finishedStages: new Set(run.stages.filter((s) => s.status === 'succeeded').map((s) => s.kind)),
      metric: (key, step, value) => reporter.log(key, step, value),
      // Reports are chained so they reach the portal in call order: a throttled progress update sent
      // without waiting must never land after the stage's final status.
      stage: (kind, ordinal, status, progress, message) => {
        stageReports = stageReports.catch(() => undefined).then(() =>
          withRetry(() => client.worker.reportStage.mutate({ workerId, runId: run.id, kind, ordinal, status, progress, message }), {
            retryIf: isTransient,
            retries: 50,
          }).then(() => undefined),
        );
        // a report nobody awaits (a throttled progress update) must not crash the process when it fails
        stageReports.catch(() => undefined);
        return stageReports;
      },
      log: (message) => {
        this.log(`run ${run.name}: ${message}`);
        logs.append(message);
      },
      uploadArtifact: async (kind, name, data) => {
        if (this.options.uploadArtifact) await this.options.uploadArtifact(run.id, kind, name, data);
      },
      shardQueue:
        this.shards && this.options.shardFiles
          ? createRunShardQueue({ client, workerId, runId: run.id, files: this.options.shardFiles, executor: this.shards, signal: controller.signal })
          : undefined,
      checkpoints: (runDir) => this.runCheckpoints(run.id, run.name, runDir, controller.signal, () => reporter.flush()),
    };
    // The lease can expire between the last heartbeat and the finish (a loaded machine, a long final step):
    // the portal then answers CONFLICT, another worker resumes from the last checkpoint, and this outcome is
    // dropped. That is the lease working, not a reason to crash the worker.
    const finish = async (input: Parameters<PortalClient['worker']['finish']['mutate']>[0]) => {
      try {
        await withRetry(() => client.worker.finish.mutate(input), { retryIf: isTransient, retries: 100 });
      } catch (error) {
        if (!isLostRun(error)) throw error;
        this.log(`run ${run.name}: not held by this worker any more (${(error as Error).message}); its ${input.outcome} outcome is dropped and the run resumes from its last checkpoint`);
      }
    };
    try {
      const result = await jobFor(run.config)(context);
      await stageReports;
      await reporter.close();
      await logs.close();
      await finish({ outcome: 'succeeded', workerId, runId: run.id, evalResults: result.evalResults ?? [] });
      this.log(`run ${run.name}: succeeded`);
    } catch (error) {
      const reason = controller.signal.aborted ? (controller.signal.reason as StopReason) : undefined;
      if (reason === 'lease-lost') {
        reporter.discard();
        logs.discard();
        this.log(`run ${run.name}: lease lost, another worker will resume it`);
      } else if (reason === 'cancelled' || reason === 'shutdown') {
        await reporter.close();
        await logs.close();
        await finish({ outcome: reason === 'cancelled' ? 'cancelled' : 'released', workerId, runId: run.id });
        this.log(`run ${run.name}: ${reason === 'cancelled' ? 'cancelled' : 'handed back to the queue'}`);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        await reporter.close().catch(() => undefined);
        logs.append(`failed: ${message}`);
        await logs.close();
        await finish({ outcome: 'failed', workerId, runId: run.id, error: message });
        this.log(`run ${run.name}: failed: ${message}`);
      }
    } finally {
      this.current = undefined;
      this.options.heartbeat.hold(undefined);
    }
  }
}
