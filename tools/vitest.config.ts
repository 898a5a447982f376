import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'tools', include: ['study/**/*.test.ts', 'bench/**/*.test.ts', 'device/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, globalSetup: ['../libs/db/src/global-setup.ts'] },
});
