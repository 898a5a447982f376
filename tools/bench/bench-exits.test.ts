/**
 * Every benchmark ends by itself, as a scheduler runs it: `npm run bench -- <name> < /dev/null` at its smallest
 * size prints its last line `<name>: <metric>=<value>` and exits 0 (worker threads — TensorFlow.js's pools, the
 * k-means engine, the puzzle workers — once kept Node alive after that line). k-means also on webgpu (lavapipe).
 *
 * Not run here: train (the pipeline's nets at full width, minutes), portal, scale and soak (a Postgres, an API
 * server and trainer processes each, minutes); they end through the same bench.ts.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lavapipeDirectory, lavapipeEnvironment } from '@ktlab/tf-backend';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bench = fileURLToPath(new URL('./bench.ts', import.meta.url));
const lavapipe = lavapipeEnvironment(lavapipeDirectory(repoRoot));

function runBench(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // stdin 'ignore' is /dev/null: closed, as under a scheduler
    const child = spawn(process.execPath, ['--import', 'tsx', bench, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const smallest: Record<string, string[]> = {
  features: ['--images', '20', '--batch', '10', '--repeats', '1'],
  hog: ['--images', '20', '--repeats', '1'],
  kmeans: ['--rows', '200', '--dims', '8', '--k', '4', '--iterations', '2', '--components', '4', '--repeats', '1', '--no-scaling'],
  puzzles: ['--images', '20', '--batch', '8', '--batches', '1', '--repeats', '1', '--no-train'],
};

// A bench that stopped exiting would hang here until this timeout fails the test.
describe('benchmarks exit by themselves with stdin closed', { timeout: 150_000 }, () => {
  it.each(Object.entries(smallest))('%s', async (name, args) => {
    const result = await runBench([name, ...args]);
    expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 0, signal: null });
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^${name}: \\w+=[\\d.e+-]+$`));
  });

  // On lavapipe where .ci/run installed it (CI always): the GPU k-means path against PyTorch (on the CPU here).
  it.skipIf(!lavapipe && process.env.CI !== 'true')('kmeans --backend webgpu clusters the same points as its PyTorch peer', async () => {
    const result = await runBench(['kmeans', '--backend', 'webgpu', '--rows', '3000', '--dims', '24', '--k', '30', '--iterations', '3', '--repeats', '1'], lavapipe);
    expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 0, signal: null });
    expect(result.stdout).toMatch(/final inertia relative difference 0\.0\d*%/);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^kmeans: time_ratio_vs_torch_(cuda|cpu)=[\d.]+$/);
  });

  it('an unknown benchmark is refused with the list and exit code 2', async () => {
    const result = await runBench(['no-such-bench']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/benchmarks: .*features, hog, kmeans/);
  });
});
