/** `--labels <file>`: cluster classification on pseudo-labels from a file, from the ktlab CLI. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SHARED_DIR, resolveCliConfig, type ConfigSourceOptions } from './cli-config';
import { writeTinyImageFolder } from '../test-support';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ktlab-cli-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (extra: Partial<ConfigSourceOptions>): ConfigSourceOptions => ({ set: [], quick: false, referencePermutations: false, ...extra });
const run = { requireData: true, absolutePaths: true, sharedDir: DEFAULT_SHARED_DIR };

describe('--labels', () => {
  it('sets clustering.source to file and the labels file, absolute for run and as typed for config and submit', () => {
    const resolved = resolveCliConfig(options({ preset: 'cc-hog', data: '/d', labels: 'released/labels.csv' }), run);
    expect(resolved.config.kind === 'pipeline' && resolved.config.clustering).toMatchObject({ source: 'file', labelsFile: { path: resolve('released/labels.csv'), format: 'auto' } });
    const typed = resolveCliConfig(options({ preset: 'cc-hog', data: '/d', labels: 'released/labels.csv' }), { ...run, absolutePaths: false });
    expect(typed.config.kind === 'pipeline' && typed.config.clustering.labelsFile?.path).toBe('released/labels.csv');
  });

  it('goes with a config file, and --set can still name the image list of a .npy file', () => {
    const config = join(dir, 'run.json');
    writeFileSync(config, JSON.stringify({ kind: 'pipeline', data: { path: '/d' } }));
    const resolved = resolveCliConfig(options({ config, labels: '/l/labels.npy', set: ['clustering.labelsFile.imageList=/l/images.txt'] }), run);
    expect(resolved.config.kind === 'pipeline' && resolved.config.clustering.labelsFile).toEqual({ path: '/l/labels.npy', format: 'auto', imageList: '/l/images.txt' });
  });
});

describe('ktlab run --labels', { timeout: 240_000 }, () => {
  it('trains cluster classification on the file\'s labels, leaving out the images it does not label', async () => {
    const data = await writeTinyImageFolder(join(dir, 'images'));
    const rows = ['path,label', ...Array.from({ length: 11 }, (_, i) => `dark/${i}.png,0`), ...Array.from({ length: 10 }, (_, i) => `light/${i}.png,1`)];
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, rows.join('\n') + '\n');
    const config = join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify({
      kind: 'pipeline',
      seed: 1,
      data: { path: data },
      target: { widthMultiplier: 0.1, epochs: 1, batchSize: 8 },
      evaluation: { protocols: ['knn'], layers: ['conv1'], knnNeighbours: 3 },
    }));
    const runDir = join(dir, 'run');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, 'run', '--config', config, '--labels', labels, '--run-dir', runDir], {
        cwd: repoRoot,
        env: { ...process.env, KTLAB_CACHE: join(dir, 'cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('    source: file\n');
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toMatchObject({ clustering: { source: 'file', labelsFile: { path: labels } } });
    // the run's own CSV: the 21 labelled images, the other 3 left out
    const written = readFileSync(join(runDir, 'pseudo-labels', 'labels.csv'), 'utf8').trim().split('\n');
    expect(written.slice(1).sort()).toEqual(rows.slice(1).sort());
    expect(readFileSync(join(runDir, 'target', 'model', 'model.json'), 'utf8')).toContain('"units":2');
  });
});
