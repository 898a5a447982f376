/**
 * Runs the Prisma CLI offline: `npx tsx tools/db/prisma.ts generate | migrate diff …`.
 *
 * Prisma 6 decides which engines to download from the schema, and can only read the schema when
 * `env("DATABASE_URL")` resolves; with a URL present and `engine: 'js'` (prisma.config.ts) it downloads
 * nothing. `generate` never connects, so a placeholder URL is enough for it.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://offline@127.0.0.1:1/offline',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
