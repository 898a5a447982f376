import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'portal', include: ['lib/**/*.test.ts', 'components/**/*.test.ts'], testTimeout: 60_000 },
});
