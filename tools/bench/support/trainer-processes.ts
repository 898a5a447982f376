/**
 * Trainer worker processes for the benchmarks that drive the real queue (scale, soak): apps/trainer/src/main.ts
 * spawned with its own state folder (tools may not import apps), its output kept for error messages, and the
 * small waiting helpers those benchmarks share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@ktlab/config/paths';

const trainerMain = join(repoRoot(), 'apps', 'trainer', 'src', 'main.ts');

export type Trainer = ChildProcess & { name: string; home: string; output: string[] };

export interface TrainerOptions {
  portalUrl: string;
  token: string;
  name: string;
  /** The worker's KTLAB_HOME (state folder: run folders, metric spool). */
  home: string;
  env?: Record<string, string>;
}

export function spawnTrainer({ portalUrl, token, name, home, env = {} }: TrainerOptions): Trainer {
  const child = spawn(process.execPath, ['--import', 'tsx', trainerMain], {
    cwd: repoRoot(),
    env: { ...process.env, KTLAB_PORTAL_URL: portalUrl, KTLAB_WORKER_TOKEN: token, KTLAB_WORKER_NAME: name, KTLAB_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as Trainer;
  Object.assign(child, { name, home, output: [] });
  const keep = (d: Buffer) => {
    child.output.push(d.toString());
    if (child.output.length > 400) child.output.splice(0, 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

/** The last `chars` characters a trainer printed, headed by its name. */
export const trainerTail = (trainer: Trainer, chars = 3000): string => `--- ${trainer.name} ---\n${trainer.output.join('').slice(-chars)}`;

export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** SIGTERM (a trainer hands its run back), then SIGKILL for any process still alive after `graceMs`. */
export async function stopProcesses(children: readonly ChildProcess[], graceMs = 10_000): Promise<void> {
  const alive = children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of alive) child.kill('SIGTERM');
  const timer = setTimeout(() => alive.forEach((child) => child.kill('SIGKILL')), graceMs);
  await Promise.all(alive.map(exited));
  clearTimeout(timer);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}
