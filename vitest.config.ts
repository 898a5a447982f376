import { defineConfig } from 'vitest/config';

// One vitest run covers every project; each project's own config names it and picks its files. Projects do not
// inherit these limits, so each sets its testTimeout too (60 s, or more where its tests train nets): a limit only
// stops a hung test on a loaded machine; no test is about speed.
export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tools/vitest.config.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
