import { defineConfig } from 'vitest/config';

// One vitest run covers every project; each project's own config names it and picks its files.
export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tools/vitest.config.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
