/**
 * Browser tests against the real product: `tools/start/start.ts` (embedded Postgres, built portal, trainer)
 * on its own port and state folder, driven in Debian's Chromium (no browser download).
 */
import { defineConfig } from '@playwright/test';
import { rmSync } from 'node:fs';
import { e2eHome, e2eOutputDir, repoRoot as root } from './state';

const port = Number(process.env.KTLAB_E2E_PORT ?? 3100);
// KTLAB_E2E_STATE (default .ktlab/e2e) and KTLAB_E2E_PG_PORT: a second e2e run beside another uses its own.
const home = e2eHome();
// Every e2e run starts from an empty state folder (database, admin credentials), as CI does. The config is
// also loaded by each test worker; only the main process (no TEST_WORKER_INDEX) clears it, before the server starts.
if (process.env.TEST_WORKER_INDEX === undefined && !process.env.KTLAB_E2E_KEEP_STATE) rmSync(home, { recursive: true, force: true });

export default defineConfig({
  testDir: './tests',
  outputDir: e2eOutputDir(),
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `node --import tsx tools/start/start.ts`,
    cwd: root,
    url: `http://127.0.0.1:${port}/runs`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    env: {
      KTLAB_PORT: String(port),
      KTLAB_HOME: home,
      KTLAB_PG_PORT: String(Number(process.env.KTLAB_E2E_PG_PORT ?? 54349)),
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
    },
  },
});
