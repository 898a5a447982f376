/**
 * `npm start`: the whole of ktlab on one machine.
 *   1. PostgreSQL: DATABASE_URL if set, else the embedded server (data in .ktlab/postgres/, kept across starts);
 *   2. migrations applied; on an empty database the first admin, whose generated password is printed once
 *      and written to <KTLAB_HOME>/admin-credentials (mode 600); a worker token for the local trainer;
 *   3. the portal (built on first start), then one trainer worker;
 *   4. Ctrl-C stops everything: the trainer hands its run back, then the portal and Postgres stop.
 * Environment: KTLAB_PORT (3000), KTLAB_HOST (127.0.0.1; sign-in is enforced, so 0.0.0.0 is safe to use),
 * KTLAB_WORKERS (1), KTLAB_ADMIN_EMAIL (admin@ktlab.local), DATABASE_URL, KTLAB_HOME, KTLAB_DATASET_ROOTS (printed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createWorkerToken, ensureFirstAdmin, ensureProject } from '@ktlab/api';
import { datasetRootsFromEnv, describeDatasetRoots } from '@ktlab/config/dataset-roots';
import { ktlabHome, repoRoot } from '@ktlab/config/paths';
import { applyMigrations, createDb, openDatabase } from '@ktlab/db';
import { ensurePortalBuilt } from './portal-build';

const LOCAL_TOKEN_LABEL = 'local worker (npm start)';
const root = repoRoot();
const port = Number(process.env.KTLAB_PORT ?? 3000);
const host = process.env.KTLAB_HOST ?? '127.0.0.1';
/** Where this machine's own processes (readiness probe, local trainers) reach the portal. */
const localHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
const workers = Math.max(0, Number(process.env.KTLAB_WORKERS ?? 1));
const log = (line: string) => console.log(`[ktlab] ${line}`);

function portFree(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(p, host, () => server.close(() => resolve(true)));
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited with code ${child.exitCode} while starting`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the portal did not answer at ${url} within ${timeoutMs / 1000}s`);
}

if (!(await portFree(port))) {
  console.error(`[ktlab] port ${port} is in use; set KTLAB_PORT to a free port`);
  process.exit(2);
}

// Portal and local trainers resolve relative roots against the repository root (the trainers' working folder).
log(describeDatasetRoots(datasetRootsFromEnv(root)));

const database = await openDatabase({ log: (line) => process.env.KTLAB_DEBUG && console.log(`[postgres] ${line}`) });
log(database.source === 'embedded' ? `embedded PostgreSQL ready (data in ${database.dataDir})` : 'using DATABASE_URL');
const migrations = await applyMigrations(database.url);
if (migrations.applied.length) log(`applied migrations: ${migrations.applied.join(', ')}`);

const db = createDb(database.url, { maxConnections: 2 });
await ensureProject(db);
const firstAdmin = await ensureFirstAdmin(db, process.env.KTLAB_ADMIN_EMAIL);
const credentialsFile = join(ktlabHome(), 'admin-credentials');
if (firstAdmin) {
  mkdirSync(ktlabHome(), { recursive: true });
  writeFileSync(credentialsFile, `email=${firstAdmin.email}\npassword=${firstAdmin.password}\n`, { mode: 0o600 });
}
await db.workerToken.updateMany({ where: { label: LOCAL_TOKEN_LABEL, revokedAt: null }, data: { revokedAt: new Date() } });
const token = await createWorkerToken(db, LOCAL_TOKEN_LABEL);
await db.$disconnect();

ensurePortalBuilt(root, log);

const env = { ...process.env, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: '1' };
// Next's request handler behind ktlab's own server, which knows each client's address (portal-server.ts).
const portal = spawn(process.execPath, ['--import', 'tsx', join(root, 'tools', 'start', 'portal-server.ts'), String(port), host], {
  cwd: join(root, 'apps', 'portal'),
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
});
const url = `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`;

let stopping = false;
const trainers = new Set<ChildProcess>();

function startTrainer(index: number): void {
  const trainer = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps', 'trainer', 'src', 'main.ts')], {
    cwd: root,
    env: { ...env, KTLAB_PORTAL_URL: `http://${localHost}:${port}`, KTLAB_WORKER_TOKEN: token.secret, KTLAB_WORKER_NAME: `local-${index}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  trainers.add(trainer);
  trainer.on('exit', (code) => {
    trainers.delete(trainer);
    if (stopping) return;
    log(`trainer local-${index} exited (code ${code}); restarting it in 2s`);
    setTimeout(() => !stopping && startTrainer(index), 2000);
  });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function shutdown(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  log('stopping: trainers hand back their runs, then the portal and the database stop…');
  for (const trainer of trainers) trainer.kill('SIGTERM');
  await Promise.all([...trainers].map((t) => exited(t, 20_000)));
  portal.kill('SIGTERM');
  await exited(portal, 10_000);
  await database.stop();
  log('stopped');
  process.exit(code);
}

// Whatever ends this process, its children must not outlive it (an orphaned next-server keeps the port).
process.on('exit', () => {
  for (const trainer of trainers) trainer.kill('SIGKILL');
  if (portal.exitCode === null) portal.kill('SIGKILL');
});
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
portal.on('exit', (code) => {
  if (!stopping) {
    log(`the portal exited unexpectedly (code ${code})`);
    void shutdown(1);
  }
});

try {
  await waitForHttp(`http://${localHost}:${port}/sign-in`, portal);
} catch (error) {
  console.error(`[ktlab] ${(error as Error).message}`);
  await shutdown(1);
}
for (let i = 1; i <= workers; i++) startTrainer(i);
log(`ktlab is running: open ${url}  (${workers} trainer worker${workers === 1 ? '' : 's'}; Ctrl-C to stop)`);
if (firstAdmin) {
  log(`first start: sign in as ${firstAdmin.email} with password ${firstAdmin.password}`);
  log(`  (shown once; also saved to ${credentialsFile}, readable only by you — change it under Account: your name in the portal's header)`);
} else {
  log(`sign in with your account (the first admin's generated password is in ${credentialsFile} unless removed)`);
}
