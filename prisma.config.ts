/**
 * Prisma CLI configuration. Prisma 6.19 runs its schema engine as WebAssembly (`engine: 'js'`) through the
 * node-postgres driver adapter, so `prisma generate` and `prisma migrate diff` work with no engine download.
 * ktlab applies the committed migrations itself (libs/db/src/migrate.ts); the CLI is a developer tool here.
 */
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  async adapter() {
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://ktlab@127.0.0.1:54329/ktlab');
    return new PrismaPg({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    });
  },
});
