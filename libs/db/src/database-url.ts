import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
import { ktlabHome } from '@ktlab/config/paths';

export const DEFAULT_EMBEDDED_PORT = 54329;

export interface DatabaseHandle {
  url: string;
  /** 'external' when DATABASE_URL was given, else 'embedded'. */
  source: 'external' | 'embedded';
  /** Where the embedded server keeps its data (embedded only). */
  dataDir?: string;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in `<KTLAB_HOME>/postgres` (started if needed).
 */
export async function openDatabase(options: { log?: (line: string) => void } = {}): Promise<DatabaseHandle> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, source: 'external', stop: async () => undefined };
  const home = join(ktlabHome(), 'postgres');
  const port = Number(process.env.KTLAB_PG_PORT ?? DEFAULT_EMBEDDED_PORT);
  const server: RunningPostgres = await startEmbeddedPostgres({ home, port, log: options.log });
  return { url: server.url, source: 'embedded', dataDir: join(home, 'data'), stop: () => server.stop() };
}
