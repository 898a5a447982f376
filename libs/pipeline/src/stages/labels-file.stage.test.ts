import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, type PipelineConfig } from '@ktlab/config';
import { encodeNpy, readPseudoLabels } from '@ktlab/kmeans';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext, StageKind, StageStatus } from '../context';
import { forgetOpenedDatasets } from '../datasets';
import { plannedStages, runPipeline } from '../run-pipeline';
import { pseudoLabelledImages } from './target.stage';

/** Two classes (stripes, blobs) of 12 small images each, and one file that does not decode. */
async function makeFolder(root: string): Promise<void> {
  for (const [cls, draw] of [
    ['stripes', (x: number, y: number, i: number) => ((y + i) % 6 < 3 ? 220 : 30)],
    ['blobs', (x: number, y: number, i: number) => ((x - 16 - (i % 5)) ** 2 + (y - 16) ** 2 < 90 ? 230 : 20)],
  ] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const pixels = Buffer.alloc(32 * 32 * 3);
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
        const v = draw(x, y, i);
        pixels.set([v, (v + i * 7) % 256, 255 - v], (y * 32 + x) * 3);
      }
      await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(root, cls, `img ${i}.png`));
    }
  }
  writeFileSync(join(root, 'blobs', 'broken.jpg'), 'not a jpeg');
}

function config(path: string, clustering: Record<string, unknown>): PipelineConfig {
  return pipelineConfigSchema.parse({
    kind: 'pipeline',
    seed: 5,
    imageSize: 32,
    data: { path },
    pretext: { task: 'none' },
    clustering: { k: 3, iterations: 3, ...clustering },
    target: { widthMultiplier: 0.1, epochs: 1, batchSize: 8 },
    evaluation: { layers: ['conv1'], protocols: ['knn'], knnNeighbours: 3 },
  });
}

function context(config: PipelineConfig, runDir: string, cacheDir: string, datasetRoots?: string[]) {
  const stages: { kind: StageKind; status: StageStatus; message?: string }[] = [];
  const metrics = new Map<string, number>();
  const logs: string[] = [];
  const ctx: PipelineContext = {
    config,
    runDir,
    cacheDir,
    datasetRoots,
    signal: new AbortController().signal,
    metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
    stage: (kind, status, _progress, message) => void stages.push({ kind, status, message }),
    log: (message) => void logs.push(message),
  };
  return { ctx, stages, metrics, logs };
}

/** A saved tf.js model's weights: the manifest and the bytes of its weight files. */
function weightsOf(modelDir: string): { manifest: unknown; bytes: Buffer[] } {
  const model = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: unknown }[] };
  return { manifest: model.weightsManifest, bytes: model.weightsManifest.flatMap((group) => group.paths.map((path) => readFileSync(join(modelDir, path)))) };
}

describe('clustering.source "file"', () => {
  let root: string;
  let data: string;
  let cacheDir: string;
  let computedDir: string;
  let computed: ReturnType<typeof context>;

  beforeAll(async () => {
    await selectBackend({}, pino({ level: 'silent' }));
    root = mkdtempSync(join(tmpdir(), 'ktlab-labels-file-'));
    data = join(root, 'images');
    cacheDir = join(root, 'cache');
    await makeFolder(data);
    computedDir = join(root, 'computed');
    computed = context(config(data, { source: 'hog', grid: [1, 1] }), computedDir, cacheDir);
    await runPipeline(computed.ctx);
  });

  it('plans no pretext, features or k-means when the labels come from a file', () => {
    const planned = plannedStages(config(data, { source: 'file', labelsFile: { path: 'l.csv' } }));
    expect([...planned]).toEqual(['pseudo-labels', 'cluster-classification', 'eval']);
    const withPretext = pipelineConfigSchema.parse({ ...config(data, { source: 'file', labelsFile: { path: 'l.csv' } }), pretext: { task: 'jigsaw++' } });
    expect(plannedStages(withPretext).has('pretext')).toBe(false);
  });

  it('a finished run writes its pseudo-labels as CSV path,label with relative image paths, as its labels.ktpl holds them', async () => {
    const ktpl = await readPseudoLabels(join(computedDir, 'pseudo-labels/labels.ktpl'));
    const csv = readFileSync(join(computedDir, 'pseudo-labels/labels.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('path,label');
    expect(csv.slice(1)).toEqual(ktpl.ids.map((id, i) => `${id},${ktpl.labels[i]}`));
    expect(ktpl.ids).toContain('stripes/img 0.png');
    expect(ktpl.ids).toHaveLength(24);
  });

  it('trains cluster classification from that CSV on exactly the same inputs as the run that wrote it', async () => {
    const runDir = join(root, 'from-csv');
    const fromFile = context(config(data, { source: 'file', labelsFile: { path: join(computedDir, 'pseudo-labels/labels.csv') } }), runDir, cacheDir);
    await runPipeline(fromFile.ctx);
    expect(fromFile.stages.filter((s) => s.status === 'skipped').map((s) => s.kind)).toEqual(['pretext', 'features', 'kmeans']);
    expect(fromFile.metrics.get('pseudo-labels/unlabelled@0')).toBe(0);

    // The target stage's inputs, read from each run's own folder: the same images, in the same order, with the same labels and k.
    const kmeansOutputs = { file: 'pseudo-labels/labels.ktpl' };
    forgetOpenedDatasets();
    const original = await pseudoLabelledImages(computed.ctx, { ...kmeansOutputs, k: 3 });
    const reused = await pseudoLabelledImages(fromFile.ctx, { ...kmeansOutputs, k: 3 });
    expect(reused.k).toBe(original.k);
    expect(reused.ids).toEqual(original.ids);
    expect(Array.from(reused.labels)).toEqual(Array.from(original.labels));
    expect(Buffer.from(reused.images.images).equals(Buffer.from(original.images.images))).toBe(true);
    forgetOpenedDatasets();

    // Same seed, same inputs: the same target weights, bit for bit.
    const [a, b] = [computedDir, runDir].map((dir) => weightsOf(join(dir, 'target/model')));
    expect(b.manifest).toEqual(a.manifest);
    expect(b.bytes.every((bytes, i) => bytes.equals(a.bytes[i]))).toBe(true);

    // Statistics and the cluster browser as for computed labels (cluster sizes and agreement with the classes).
    for (const key of ['pseudo-labels/clusters_used@0', 'pseudo-labels/nmi@0', 'pseudo-labels/purity@0']) expect(fromFile.metrics.get(key)).toBe(computed.metrics.get(key));
    const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'clusters/summary.json'), 'utf8')) as { clusters: { id: number; size: number; majorityClass?: string }[] };
    const sizes = (dir: string) => summary(dir).clusters.map(({ id, size, majorityClass }) => ({ id, size, majorityClass }));
    expect(sizes(runDir)).toEqual(sizes(computedDir));
  });

  it('reads the run\'s labels.ktpl (JSON lines) and an int32 .npy with its image list to the same labels', async () => {
    const ktpl = await readPseudoLabels(join(computedDir, 'pseudo-labels/labels.ktpl'));
    const npyDir = join(root, 'npy');
    mkdirSync(npyDir);
    writeFileSync(join(npyDir, 'labels.npy'), encodeNpy(ktpl.labels, [ktpl.labels.length]));
    writeFileSync(join(npyDir, 'images.txt'), ktpl.ids.join('\n') + '\n');
    for (const [name, labelsFile] of [
      ['from-ktpl', { path: join(computedDir, 'pseudo-labels/labels.ktpl') }],
      ['from-npy', { path: join(npyDir, 'labels.npy'), imageList: join(npyDir, 'images.txt') }],
    ] as const) {
      const runDir = join(root, name);
      await runPipeline(context(config(data, { source: 'file', labelsFile }), runDir, cacheDir).ctx);
      const read = await readPseudoLabels(join(runDir, 'pseudo-labels/labels.ktpl'));
      expect(read.ids).toEqual(ktpl.ids);
      expect(Array.from(read.labels)).toEqual(Array.from(ktpl.labels));
    }
  });

  it('counts and leaves out the images a file does not label, and trains on the others', async () => {
    const lines = readFileSync(join(computedDir, 'pseudo-labels/labels.csv'), 'utf8').trim().split('\n');
    const dropped = lines.filter((line) => line.startsWith('stripes/img 1') || line.startsWith('blobs/img 7.png,'));
    expect(dropped).toHaveLength(4); // stripes/img 1, img 10, img 11 and blobs/img 7
    const partial = join(root, 'partial.csv');
    writeFileSync(partial, lines.filter((line) => !dropped.includes(line)).join('\n'));
    const runDir = join(root, 'partial');
    const run = context(config(data, { source: 'file', labelsFile: { path: partial } }), runDir, cacheDir);
    await runPipeline(run.ctx);
    expect(run.metrics.get('pseudo-labels/unlabelled@0')).toBe(4);
    expect(run.logs.find((line) => line.includes('without a label'))).toMatch(/^pseudo-labels: 20 of 24 images labelled by .*partial\.csv \(k = \d\); 4 without a label are left out \(/);
    const training = await pseudoLabelledImages(run.ctx, { file: 'pseudo-labels/labels.ktpl', k: 3 });
    expect(training.ids).toHaveLength(20);
    expect(training.images.count).toBe(20);
    expect(training.ids).not.toContain('blobs/img 7.png');
    forgetOpenedDatasets();
    // The figure and the cluster browser's files find the labelled images by id, not by position.
    expect(run.logs.filter((line) => /^(figures|cluster summary):/.test(line))).toEqual([]);
    expect(existsSync(join(runDir, 'figures/cluster-neighbours.png'))).toBe(true);
    const summary = JSON.parse(readFileSync(join(runDir, 'clusters/summary.json'), 'utf8')) as { images: number; clusters: { nearest: string[] }[] };
    expect(summary.images).toBe(20);
    expect(summary.clusters.flatMap((cluster) => cluster.nearest)).not.toContain('blobs/img 7.png');
  });

  it('fails the pseudo-label stage on an unknown path or a malformed line, naming the file and line', async () => {
    const cases = [
      ['unknown.csv', 'path,label\nstripes/img 0.png,1\nstripes/img 99.png,2\n', /clustering\.labelsFile: .*unknown\.csv:3: image "stripes\/img 99\.png" is not in the dataset/],
      ['malformed.csv', 'stripes/img 0.png,1\nstripes/img 1.png;2\n', /clustering\.labelsFile: .*malformed\.csv:2: expected 2 fields \(path,label\), found 1/],
    ] as const;
    for (const [name, text, message] of cases) {
      writeFileSync(join(root, name), text);
      const run = context(config(data, { source: 'file', labelsFile: { path: join(root, name) } }), join(root, `run-${name}`), cacheDir);
      await expect(runPipeline(run.ctx)).rejects.toThrow(message);
      expect(run.stages.find((s) => s.status === 'failed')).toMatchObject({ kind: 'pseudo-labels', message: expect.stringMatching(message) });
    }
  });

  it('refuses a labels file outside the dataset roots, naming the field', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'ktlab-labels-outside-'));
    writeFileSync(join(outside, 'l.csv'), 'stripes/img 0.png,1\n');
    const run = context(config(data, { source: 'file', labelsFile: { path: join(outside, 'l.csv') } }), join(root, 'run-outside'), cacheDir, [root]);
    await expect(runPipeline(run.ctx)).rejects.toThrow(/^clustering\.labelsFile\.path: ".*l\.csv" is outside the allowed dataset folders/);
  });
});
