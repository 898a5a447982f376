import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, presetConfig, presets, type PipelineConfig } from '@ktlab/config';
import { sharedDir } from '@ktlab/config/paths';
import { encodePermutationBin, generateMaximinPermutations } from '@ktlab/jigsaw';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext } from '../context';
import { runPipeline } from '../run-pipeline';
import { pretextPermutations } from './pretext-permutations';

const REFERENCE_100 = join(sharedDir(), 'reference', 'permutations_100_max.bin');

function pretextConfig(data: string, pretext: Record<string, unknown>): PipelineConfig {
  return pipelineConfigSchema.parse({
    kind: 'pipeline',
    seed: 5,
    data: { path: data },
    pretext: { task: 'jigsaw', imageSize: 48, widthMultiplier: 0.1, epochs: 1, batchSize: 8, maxOccludedTiles: 0, ...pretext },
    target: { objective: 'none' },
    evaluation: { protocols: ['knn'], layers: ['conv1'], knnNeighbours: 3 },
  });
}

describe('pretextPermutations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ktlab-perms-'));

  it('reads the paper\'s 100-permutation file when the config names it', async () => {
    const set = await pretextPermutations(pretextConfig('/d', { permutations: 100, permutationsFile: REFERENCE_100 }));
    expect(set.size).toBe(100);
    // The file is 1-indexed; the set 0-indexed.
    expect(set.orders[0]).toBe(readFileSync(REFERENCE_100).readInt32LE(8) - 1);
    expect(Buffer.from(encodePermutationBin(set))).toEqual(readFileSync(REFERENCE_100));
  });

  it('generates the set (seeded maximin) when no file is named', async () => {
    const set = await pretextPermutations(pretextConfig('/d', { permutations: 30 }));
    expect(set).toEqual(generateMaximinPermutations({ count: 30, seed: 5 }));
  });

  it('refuses a file whose count disagrees with pretext.permutations, saying what to set', async () => {
    await expect(pretextPermutations(pretextConfig('/d', { permutations: 701, permutationsFile: REFERENCE_100 }))).rejects.toThrow(
      `pretext.permutationsFile: "${REFERENCE_100}" holds 100 permutations but pretext.permutations is 701; set pretext.permutations to 100`,
    );
  });

  it('names the field and the problem for a missing file, a folder and a malformed file', async () => {
    const missing = join(dir, 'nope.bin');
    await expect(pretextPermutations(pretextConfig('/d', { permutations: 100, permutationsFile: missing }))).rejects.toThrow(
      `pretext.permutationsFile: cannot read "${missing}": no such file`,
    );
    await expect(pretextPermutations(pretextConfig('/d', { permutations: 100, permutationsFile: dir }))).rejects.toThrow(/^pretext\.permutationsFile: cannot read .*: it is a folder/);
    const truncated = join(dir, 'truncated.bin');
    writeFileSync(truncated, readFileSync(REFERENCE_100).subarray(0, 100));
    await expect(pretextPermutations(pretextConfig('/d', { permutations: 100, permutationsFile: truncated }))).rejects.toThrow(
      /^pretext\.permutationsFile: ".*truncated\.bin": header says 100 permutations \(3608 bytes\) but the file has 100 bytes \(expected the paper's \.bin format/,
    );
    const text = join(dir, 'perms.txt');
    writeFileSync(text, '1 2 3 4 5 6 7 8 9\n');
    await expect(pretextPermutations(pretextConfig('/d', { permutations: 100, permutationsFile: text }))).rejects.toThrow(/^pretext\.permutationsFile: ".*perms\.txt": header says \d+ tiles per permutation, expected 9/);
  });

  it('reads the file only inside the dataset roots when they are set', async () => {
    const root = join(dir, 'root');
    mkdirSync(root, { recursive: true });
    const inside = join(root, 'p.bin');
    writeFileSync(inside, readFileSync(REFERENCE_100));
    symlinkSync(REFERENCE_100, join(root, 'link.bin'));
    const config = (path: string) => pretextConfig('/d', { permutations: 100, permutationsFile: path });
    await expect(pretextPermutations(config(inside), [root])).resolves.toMatchObject({ size: 100 });
    await expect(pretextPermutations(config(REFERENCE_100), [root])).rejects.toThrow(/^pretext\.permutationsFile: ".*" is outside the allowed dataset folders/);
    await expect(pretextPermutations(config(join(root, 'link.bin')), [root])).rejects.toThrow(/^pretext\.permutationsFile: .* leads outside the allowed dataset folders through a symlink/);
  });

  it('every preset asked for the reference permutations names a released file whose count matches', async () => {
    const withPretext = presets.filter((preset) => preset.needsData && presetConfig(preset.id, { data: { path: '/d' } }).kind === 'pipeline');
    let checked = 0;
    for (const preset of withPretext) {
      const config = presetConfig(preset.id, { data: { path: '/d' }, referencePermutations: true, sharedDir: sharedDir() });
      if (config.kind !== 'pipeline' || (config.pretext.task !== 'jigsaw' && config.pretext.task !== 'jigsaw++')) continue;
      const set = await pretextPermutations(config);
      expect(set.size, preset.id).toBe(config.pretext.task === 'jigsaw++' ? 701 : 100);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });
});

describe('a run with a permutation file', () => {
  let data: string;
  beforeAll(async () => {
    await selectBackend({}, pino({ level: 'silent' }));
    data = mkdtempSync(join(tmpdir(), 'ktlab-perm-run-'));
    for (const [cls, base] of [['dark', 40], ['light', 200]] as const) {
      mkdirSync(join(data, cls));
      for (let i = 0; i < 8; i++) {
        const pixels = Buffer.alloc(32 * 32 * 3, 0).map((_, j) => (base + ((j * 37 + i * 11) % 50)) % 256);
        await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(data, cls, `${i}.png`));
      }
    }
  });

  it('trains the pretext with exactly the 100-permutation reference set and records its size and minimum Hamming distance', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-perm-run-dir-'));
    const metrics = new Map<string, number>();
    const logs: string[] = [];
    const context: PipelineContext = {
      config: pretextConfig(data, { permutations: 100, permutationsFile: REFERENCE_100 }),
      runDir,
      signal: new AbortController().signal,
      metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
      stage: () => undefined,
      log: (message) => void logs.push(message),
    };
    await runPipeline(context);
    // The set the puzzles were cut with, as the run wrote it, is the reference file byte for byte.
    expect(readFileSync(join(runDir, 'pretext', 'permutations.bin'))).toEqual(readFileSync(REFERENCE_100));
    expect(JSON.parse(readFileSync(join(runDir, 'pretext', 'permutations.json'), 'utf8'))).toMatchObject({ source: REFERENCE_100, size: 100, minHamming: 2 });
    expect(metrics.get('pretext/permutations@0')).toBe(100);
    expect(metrics.get('pretext/permutations_min_hamming@0')).toBe(2);
    expect(metrics.get('pretext/permutations_mean_hamming@0')).toBeCloseTo(8.08, 2);
    expect(logs.some((line) => line.includes(`100 permutations (from ${REFERENCE_100}; minimum Hamming distance 2, mean 8.08)`))).toBe(true);
    // The Jigsaw net classified into exactly the file's 100 permutations.
    const checkpoint = JSON.parse(readFileSync(join(runDir, 'pretext', 'checkpoint', 'epoch.json'), 'utf8')) as { dir: string };
    const trained = JSON.parse(readFileSync(join(runDir, 'pretext', 'checkpoint', checkpoint.dir, 'model', 'model.json'), 'utf8')) as { modelTopology: unknown };
    expect(JSON.stringify(trained.modelTopology)).toMatch(/"units":100[,}]/);
  });
});
