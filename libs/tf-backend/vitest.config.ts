import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'tf-backend', include: ['src/**/*.test.ts'] },
});
