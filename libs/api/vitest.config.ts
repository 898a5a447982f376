import { defineProject } from 'vitest/config';

export default defineProject({
  // Integration tests run against a real PostgreSQL on a shared 2-core machine: allow for its noise.
  test: { name: 'api', include: ['src/**/*.test.ts'], globalSetup: ['../db/src/global-setup.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
