import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'db', include: ['src/**/*.test.ts'], globalSetup: ['src/global-setup.ts'], testTimeout: 60_000 },
});
