import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'api', include: ['src/**/*.test.ts'], globalSetup: ['../db/src/global-setup.ts'] },
});
