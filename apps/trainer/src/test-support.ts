/** Helpers for tests that run real trainer processes against a real API server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll } from 'vitest';
import { startApiServer } from '@ktlab/api';
import { createTestApi, type TestApi } from '@ktlab/api/testing';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

export type TrainerProcess = ChildProcess & { output: string[]; text(): string };

export function spawnTrainer(portalUrl: string, token: string, name: string, extraEnv: Record<string, string> = {}): TrainerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, KTLAB_PORTAL_URL: portalUrl, KTLAB_WORKER_TOKEN: token, KTLAB_WORKER_NAME: name, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as TrainerProcess;
  child.output = [];
  child.text = () => child.output.join('');
  child.stdout?.on('data', (d: Buffer) => child.output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => child.output.push(d.toString()));
  return child;
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code)),
  );
}

/** Polls until `probe` returns something truthy; generous by default (a loaded 2-core CI machine). */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 120_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Two classes of tiny generated PNGs (dark, light), `perClass` each. */
export async function writeTinyImageFolder(root: string, perClass = 12): Promise<string> {
  for (const [cls, value] of [['dark', 40], ['light', 210]] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: value, g: (value + i * 9) % 256, b: 255 - value } } })
        .png()
        .toFile(join(root, cls, `${i}.png`));
    }
  }
  return root;
}

/**
 * A real API server over a fresh test database, for the tests of one file: registers its own beforeAll and
 * afterAll, and hands out the database helpers and the server's URL once they exist.
 */
export function useTestPortal(): { readonly api: TestApi; readonly url: string } {
  let api: TestApi | undefined;
  let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
  beforeAll(async () => {
    api = await createTestApi();
    server = await startApiServer({ db: api.db, events: api.events });
  });
  afterAll(async () => {
    await server?.close();
    await api?.close();
  });
  return {
    get api() {
      if (!api) throw new Error('useTestPortal: the portal starts in beforeAll');
      return api;
    },
    get url() {
      if (!server) throw new Error('useTestPortal: the portal starts in beforeAll');
      return server.url;
    },
  };
}
