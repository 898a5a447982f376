import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  assertBinaryDatasetInRoots,
  assertStillInRoots,
  DatasetOutsideRootsError,
  describeDatasetRoots,
  parseDatasetRoots,
  resolveDatasetInRoots,
} from './dataset-roots';
import { datasetFields, datasetRefSchema, fileFields, pipelineConfigSchema, runConfigSchema } from './index';

describe('dataset roots', () => {
  let base: string;
  let roots: string[];
  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'ktlab-roots-')));
    // shared-real/ holds the datasets; `shared` is a symlink to it and is the configured root (like ../shared)
    mkdirSync(join(base, 'shared-real', 'datasets', 'cifar10', 'train', 'cat'), { recursive: true });
    symlinkSync(join(base, 'shared-real'), join(base, 'shared'));
    mkdirSync(join(base, 'secret', 'state'), { recursive: true });
    writeFileSync(join(base, 'secret', 'state', 'admin-credentials'), 'password=x');
    symlinkSync(join(base, 'secret'), join(base, 'shared-real', 'escape'));
    roots = parseDatasetRoots('shared', base);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const resolveIn = (path: string, inRoots = roots) => resolveDatasetInRoots('data', path, inRoots, base);

  it('accepts a symlinked root’s contents named through the link, through its target, or relative to the base', async () => {
    const real = join(base, 'shared-real', 'datasets', 'cifar10', 'train');
    await expect(resolveIn('shared/datasets/cifar10/train')).resolves.toBe(real);
    await expect(resolveIn(join(base, 'shared', 'datasets', 'cifar10', 'train'))).resolves.toBe(real);
    await expect(resolveIn(real)).resolves.toBe(real);
    // the same when the root itself is given as the real folder and the path through the link
    await expect(resolveIn('shared/datasets/cifar10/train', [join(base, 'shared-real')])).resolves.toBe(real);
  });

  it('refuses a path outside the roots with the same words whether it exists or not, naming the field', async () => {
    const existing = await resolveIn(join(base, 'secret', 'state')).catch((error: unknown) => error);
    const missing = await resolveIn(join(base, 'secret', 'no-such-folder')).catch((error: unknown) => error);
    expect(existing).toBeInstanceOf(DatasetOutsideRootsError);
    expect((existing as DatasetOutsideRootsError).field).toBe('data');
    expect((existing as Error).message).toMatch(/^data: ".*secret\/state" is outside the allowed dataset folders/);
    expect((missing as Error).message.replace('no-such-folder', 'state')).toBe((existing as Error).message);
    await expect(resolveIn('/etc')).rejects.toThrow(/outside the allowed dataset folders/);
    await expect(resolveIn('shared/../secret/state')).rejects.toThrow(/outside the allowed dataset folders/);
  });

  it('refuses a symlink inside a root that leads out, without naming its target', async () => {
    const error = (await resolveIn('shared/escape/state').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/leads outside the allowed dataset folders through a symlink/);
    expect(error.message).not.toContain('secret');
  });

  it('says a path named inside a root does not exist, and refuses NUL bytes', async () => {
    await expect(resolveIn('shared/datasets/nope')).rejects.toThrow(/does not exist/);
    await expect(resolveIn('shared/datasets\0/x')).rejects.toThrow(/NUL byte/);
  });

  it('refuses CIFAR batches and IDX label files that are symlinks to outside the roots', async () => {
    const cifar = join(base, 'shared-real', 'cifar-bin');
    mkdirSync(cifar);
    writeFileSync(join(cifar, 'data_batch_2.bin'), Buffer.alloc(3073));
    await expect(assertBinaryDatasetInRoots('data', cifar, 'cifar-binary', roots)).resolves.toBeUndefined();
    symlinkSync(join(base, 'secret', 'state', 'admin-credentials'), join(cifar, 'data_batch_1.bin'));
    await expect(assertBinaryDatasetInRoots('data', cifar, 'cifar-binary', roots)).rejects.toThrow(/^data: a file of this dataset leads outside/);

    const idx = join(base, 'shared-real', 'mnist');
    mkdirSync(idx);
    writeFileSync(join(idx, 'train-images-idx3-ubyte'), Buffer.alloc(16));
    symlinkSync(join(base, 'secret', 'state', 'admin-credentials'), join(idx, 'train-labels-idx1-ubyte'));
    await expect(assertBinaryDatasetInRoots('evaluation.test', join(idx, 'train-images-idx3-ubyte'), 'idx', roots)).rejects.toThrow(/^evaluation\.test: /);
  });

  it('notices a folder on the checked path swapped for a symlink to outside before the read finished', async () => {
    const dataset = join(base, 'shared-real', 'swap', 'train');
    mkdirSync(dataset, { recursive: true });
    const real = await resolveIn('shared/swap/train');
    await expect(assertStillInRoots('data', real, roots)).resolves.toBeUndefined();
    renameSync(join(base, 'shared-real', 'swap'), join(base, 'shared-real', 'swap-old'));
    mkdirSync(join(base, 'secret', 'train'), { recursive: true });
    symlinkSync(join(base, 'secret'), join(base, 'shared-real', 'swap'));
    await expect(assertStillInRoots('data', real, roots)).rejects.toThrow(/^data: the dataset folder changed while it was read/);
  });

  it('reads the roots like PATH and says which are in force', () => {
    expect(parseDatasetRoots(undefined, base)).toEqual([]);
    expect(parseDatasetRoots(` shared :/data/sets:`, base)).toEqual([join(base, 'shared'), '/data/sets']);
    expect(describeDatasetRoots([])).toMatch(/any path/);
    expect(describeDatasetRoots(['/data/sets', '/srv/x'])).toBe('dataset roots: /data/sets, /srv/x');
  });
});

describe('datasetFields', () => {
  /** Dotted paths of every dataset reference the pipeline schema can hold, found by walking its shape. */
  function datasetRefPaths(schema: z.ZodType, prefix: string[] = []): string[] {
    let inner: unknown = schema;
    // unwrap optional/default/prefault wrappers down to the object
    for (;;) {
      if (inner === datasetRefSchema) return [prefix.join('.')];
      const unwrap = (inner as { unwrap?: () => unknown }).unwrap;
      if (typeof unwrap !== 'function') break;
      inner = unwrap.call(inner);
    }
    if (!(inner instanceof z.ZodObject)) return [];
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => datasetRefPaths(child, [...prefix, key]));
  }

  it('lists every dataset reference of the schema, with its field', () => {
    const ref = (path: string) => ({ path });
    const config = runConfigSchema.parse({
      kind: 'pipeline',
      data: ref('/a'),
      clustering: { data: ref('/b') },
      pseudoLabels: { data: ref('/c') },
      evaluation: { train: ref('/d'), test: ref('/e') },
    });
    const fields = datasetFields(config);
    expect(fields.map((f) => f.field).sort()).toEqual(datasetRefPaths(pipelineConfigSchema).sort());
    expect(fields.map((f) => f.ref.path)).toEqual(['/a', '/b', '/c', '/d', '/e']);
    expect(datasetFields(runConfigSchema.parse({ kind: 'smoke' }))).toEqual([]);
    expect(datasetFields(runConfigSchema.parse({ kind: 'pipeline', data: ref('/a') })).map((f) => f.field)).toEqual(['data']);
  });
});

describe('fileFields', () => {
  it('lists the permutation file when a config names one, with its field', () => {
    const data = { path: '/a' };
    expect(fileFields(runConfigSchema.parse({ kind: 'pipeline', data }))).toEqual([]);
    expect(fileFields(runConfigSchema.parse({ kind: 'pipeline', data, pretext: { permutationsFile: 'ref/p.bin' } }))).toEqual([{ field: 'pretext.permutationsFile', path: 'ref/p.bin' }]);
    expect(fileFields(runConfigSchema.parse({ kind: 'smoke' }))).toEqual([]);
  });
});
