import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'eval-metrics', include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
