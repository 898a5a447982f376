import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

/** The Prisma namespace (Prisma.sql for query fragments), without the embedded-Postgres code of the index. */
export { Prisma } from './generated/client';

export type Db = PrismaClient;

/** A Prisma client over node-postgres (no native query engine: works offline and on any platform). */
export function createDb(databaseUrl: string, options: { maxConnections?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}
