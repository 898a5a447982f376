import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { lavapipeDirectory, lavapipeEnvironment } from './src/webgpu/lavapipe.js';

// The webgpu tests run on Mesa's lavapipe where tools/gpu/install-lavapipe.sh installed it (the test processes
// need its library path when they start, so it is set here).
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineProject({
  // Kernel tests compute their references on tfjs's pure-JS cpu backend: seconds each on a loaded 2-core machine.
  // The limit only stops a hung test; no test here is about speed.
  test: { name: 'tf-backend', include: ['src/**/*.test.ts'], env: lavapipeEnvironment(lavapipeDirectory(repoRoot)), testTimeout: 60_000 },
});
