/** The ktlab CLI's config commands as a person runs them: spawned, stdin closed, each exits by itself. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { TEST_PASSWORD } from '@ktlab/api/testing';
import { presetConfig, runConfigInputSchema } from '@ktlab/config';
import { sharedDir } from '@ktlab/config/paths';
import { useTestPortal, writeTinyImageFolder } from '../test-support';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const REFERENCE_100 = join(sharedDir(), 'reference', 'permutations_100_max.bin');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ktlab(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A spawned CLI starts TypeScript and TensorFlow.js: seconds each on a loaded 2-core machine. */
const SPAWNING = { timeout: 180_000 };

const dir = mkdtempSync(join(tmpdir(), 'ktlab-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('ktlab config', SPAWNING, () => {
  it('prints a preset\'s full config as YAML and as JSON, each reading back to the preset\'s config', async () => {
    const expected = presetConfig('cc-jigsaw++', { data: { path: '../shared/datasets/cifar10/train' }, quick: true });
    const yaml = await ktlab(['config', 'cc-jigsaw++', '--quick']);
    expect(yaml).toMatchObject({ code: 0, stderr: '' });
    expect(runConfigInputSchema.parse(parseYaml(yaml.stdout))).toEqual(expected);
    expect(yaml.stdout).toContain('\n  grid: [3, 3]\n');
    const json = await ktlab(['config', 'cc-jigsaw++', '--quick', '--format', 'json', '--set', 'clustering.k=50', '--set', 'pretext.epochs=10']);
    expect(json.code).toBe(0);
    if (expected.kind !== 'pipeline') throw new Error('expected a pipeline');
    expect(JSON.parse(json.stdout)).toEqual({ ...expected, pretext: { ...expected.pretext, epochs: 10 }, clustering: { ...expected.clustering, k: 50 } });
  });

  it('names the reference permutation file when asked', async () => {
    const result = await ktlab(['config', 'jigsaw', '--reference-permutations', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).pretext).toMatchObject({ permutations: 100, permutationsFile: '../shared/reference/permutations_100_max.bin' });
  });

  it('refuses invalid fields from a file and from --set, each at its path, with exit code 2', async () => {
    const config = file('invalid.yaml', 'kind: pipeline\ndata:\n  path: /x\npretext:\n  epoch: 3\nclustering:\n  k: 1\n');
    const result = await ktlab(['config', '--config', config, '--set', 'target.epochs=abc']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'ktlab config: config.pretext.epoch: unknown field "epoch"',
      'ktlab config: config.clustering.k: Too small: expected number to be >=2',
      'ktlab config: config.target.epochs: Invalid input: expected number, received string',
    ]);
  });
});

describe('ktlab run', SPAWNING, () => {
  it('refuses a YAML syntax error with its line, a missing file, and preset flags beside --config, before any training', async () => {
    const broken = file('broken.yaml', 'kind: pipeline\ndata:\n  path: /x\npretext:\n  epochs: 3\n   bad: x\n');
    const syntax = await ktlab(['run', '--config', broken]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^ktlab run: --config .*broken\.yaml: line 5, column 11: .* \(not valid YAML\)\n$/);
    const missing = await ktlab(['run', '--config', join(dir, 'nope.json')]);
    expect(missing).toMatchObject({ code: 2, stderr: `ktlab run: --config ${join(dir, 'nope.json')}: cannot read it: no such file\n` });
    const mixed = await ktlab(['run', '--config', broken, '--quick', '--data', '/d']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--data, --quick apply to --preset; with --config set the field in the file or with --set');
    expect(await ktlab(['run', '--preset', 'cc-jigsaw++'])).toMatchObject({ code: 2, stderr: 'ktlab run: --data <folder> is required with --preset cc-jigsaw++\n' });
    const smoke = await ktlab(['run', '--config', file('smoke.json', '{"kind": "smoke"}')]);
    expect(smoke).toMatchObject({ code: 2 });
    expect(smoke.stderr).toMatch(/runs pipelines; this config is kind "smoke"/);
  });

  it('stops a run whose config cannot fit its images with one message naming the field, exit 1, and keeps what finished', async () => {
    const data = await writeTinyImageFolder(join(dir, 'few-images'), 6);
    const runDir = join(dir, 'too-many-clusters');
    const result = await ktlab(
      ['run', '--preset', 'cc-jigsaw++', '--quick', '--data', data, '--run-dir', runDir, '--set', 'pretext.epochs=1', '--set', 'pretext.widthMultiplier=0.1', '--set', 'clustering.k=20'],
      { KTLAB_CACHE: join(dir, 'cache') },
    );
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(-2)).toEqual([
      'ktlab run: clustering.k = 20, but only 12 images are clustered: k-means needs at least one image per cluster (set clustering.k to at most 12, e.g. --set clustering.k=2)',
      `the stages that finished are kept in ${runDir}: the same command resumes from them (a changed config needs another --run-dir)`,
    ]);
    // A message, not an uncaught error's stack (whose frames print the wasm backend's minified source).
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(runDir, 'stages', 'pretext.json'), 'utf8')).toContain('"pretext"');
  });

  it('runs a config file with --set overrides: prints the resolved config, keeps it in the run folder, trains with the reference permutation file', async () => {
    const data = await writeTinyImageFolder(join(dir, 'images'), 8);
    const config = file('run.yaml', [
      'kind: pipeline',
      'seed: 2',
      'data:',
      `  path: ${data}`,
      'pretext:',
      '  task: jigsaw',
      '  imageSize: 48',
      '  widthMultiplier: 0.1',
      '  epochs: 3',
      '  batchSize: 8',
      '  maxOccludedTiles: 0',
      'target:',
      '  objective: none',
      'evaluation:',
      '  protocols: [knn]',
      '  layers: [conv1]',
      '  knnNeighbours: 3',
      '',
    ].join('\n'));
    const runDir = join(dir, 'run');
    const result = await ktlab(
      ['run', '--config', config, '--run-dir', runDir, '--set', 'pretext.epochs=1', '--set', 'pretext.permutations=100', '--set', `pretext.permutationsFile=${REFERENCE_100}`],
      { KTLAB_CACHE: join(dir, 'cache') },
    );
    expect(result.code, result.stderr).toBe(0);
    const written = parseYaml(readFileSync(config, 'utf8')) as { pretext: object };
    const resolved = runConfigInputSchema.parse({ ...written, pretext: { ...written.pretext, epochs: 1, permutations: 100, permutationsFile: REFERENCE_100 } });
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toEqual(resolved);
    // the resolved config, every field, printed before the run starts
    expect(result.stdout).toContain('ktlab: custom on ');
    expect(result.stdout).toContain(`    permutationsFile: ${REFERENCE_100}\n`);
    expect(result.stdout).toContain('    epochs: 1\n');
    expect(result.stdout).toContain('    pcaDims: 0\n');
    expect(readFileSync(join(runDir, 'pretext', 'permutations.bin'))).toEqual(readFileSync(REFERENCE_100));
    // Without a terminal the pipeline's log lines still reach stdout, and every metric point lands in metrics.jsonl.
    expect(result.stdout).toMatch(/pretext: jigsaw on \d+ images at \d+px, tiles \d+px, 100 permutations \(from /);
    const points = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string; step: number; value: number });
    expect(points).toContainEqual({ key: 'pretext/permutations', step: 0, value: 100 });
    expect(points.some((point) => point.key === 'pretext/epoch_loss' && point.value > 0)).toBe(true);
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'))).toMatchObject({ preset: 'custom', seed: 2 });
    // the downloadable files, in the run folder as on the run page
    expect(result.stdout).toContain('\nfiles: eval.csv, pretext/trunk/weights.bin, pretext/trunk/model.json, target/model/weights.bin, target/model/model.json\n');
    expect(readFileSync(join(runDir, 'eval.csv'), 'utf8')).toMatch(/^protocol,layer,dataset,metric,value\nknn,conv1,.*,top1,[\d.]+\n$/);

    // The same folder with another config is refused before any training, naming what differs.
    const other = await ktlab(['run', '--config', config, '--run-dir', runDir, '--set', 'pretext.epochs=2']);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(`ktlab run: ${runDir} holds a run of another config (it differs at pretext.epochs, pretext.permutations, pretext.permutationsFile); resuming it would mix the two. Pass --run-dir <new folder>, or delete the folder to start again\n`);
  });
});

describe('ktlab submit', SPAWNING, () => {
  const portal = useTestPortal();
  afterEach(() => vi.unstubAllEnvs());
  const signIn = ['--email', 'default-owner@test.ktlab', '--password', TEST_PASSWORD];

  it('queues the same config file on the portal, with its overrides and method', async () => {
    const config = file('submit.yaml', 'kind: pipeline\ndata:\n  path: ../shared/datasets/cifar10/train\npretext:\n  task: jigsaw\n');
    const result = await ktlab(['submit', '--portal', portal.url, ...signIn, '--config', config, '--set', 'pretext.epochs=10', '--set', 'clustering.k=100', '--method', 'jigsaw', '--tag', 'cli', '--name', 'from-yaml']);
    expect(result.code, result.stderr).toBe(0);
    const runs = await portal.api.db.run.findMany();
    expect(runs).toHaveLength(1);
    expect(result.stdout).toBe(`ktlab: submitted from-yaml (jigsaw): ${portal.url}/runs/${runs[0].id}\n`);
    expect(runs[0]).toMatchObject({ name: 'from-yaml', method: 'jigsaw', status: 'queued' });
    const stored = runConfigInputSchema.parse(runs[0].config);
    expect(stored).toMatchObject({ kind: 'pipeline', data: { path: '../shared/datasets/cifar10/train' }, pretext: { task: 'jigsaw', epochs: 10 }, clustering: { k: 100 } });
    expect((await portal.api.user.runs.get({ id: runs[0].id })).tags).toEqual(['cli']);
  });

  it('says what the portal refused, field by field', async () => {
    vi.stubEnv('KTLAB_DATASET_ROOTS', dir);
    const result = await ktlab(['submit', '--portal', portal.url, ...signIn, '--preset', 'cc-jigsaw++', '--data', '/etc']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ktlab submit: the portal refused the run: config\.data\.path: "\/etc" is outside the allowed dataset folders/);
  });
});
