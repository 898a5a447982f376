import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'trainer', include: ['src/**/*.test.ts'], globalSetup: ['../../libs/db/src/global-setup.ts'], testTimeout: 60_000 },
});
