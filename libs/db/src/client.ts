import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client';

/** The Prisma namespace (Prisma.sql for query fragments), without the embedded-Postgres code of the index. */
export { Prisma } from './generated/client';

export type Db = PrismaClient;

const pools = new WeakMap<Db, pg.Pool>();

/**
 * A Prisma client over node-postgres (no native query engine: works offline and on any platform). Its pool of
 * connections is also reachable through `pgPool(db)`, for the few statements whose parameters Prisma's query
 * compiler should not see (a metric batch: its arrays cost more to pass through Prisma than to insert).
 */
export function createDb(databaseUrl: string, options: { maxConnections?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/** The node-postgres pool that `db` (made by createDb) sends its queries through. */
export function pgPool(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('pgPool: this client was not made by createDb (a transaction client has no pool of its own)');
  return pool;
}
