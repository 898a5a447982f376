export { createDb, pgPool, type Db } from './client';
export { openDatabase, DEFAULT_EMBEDDED_PORT, type DatabaseHandle } from './database-url';
export { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
export { applyMigrations, type MigrationResult } from './migrate';
export { migrationsDir } from './paths';
export * from './generated/client';
