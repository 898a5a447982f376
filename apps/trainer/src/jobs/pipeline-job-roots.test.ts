import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runConfigSchema } from '@ktlab/config';
import type { JobContext } from './job';
import { pipelineJob } from './pipeline.job';

describe('pipeline job and KTLAB_DATASET_ROOTS', () => {
  let base: string;
  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'ktlab-job-roots-')));
    mkdirSync(join(base, 'datasets', 'train'), { recursive: true });
    mkdirSync(join(base, 'elsewhere'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllEnvs());

  it('fails a run whose evaluation.test lies outside the roots before any stage, naming the field', async () => {
    vi.stubEnv('KTLAB_DATASET_ROOTS', join(base, 'datasets'));
    const config = runConfigSchema.parse({ kind: 'pipeline', data: { path: join(base, 'datasets', 'train') }, evaluation: { test: { path: join(base, 'elsewhere') } } });
    const touched: string[] = [];
    const context = {
      runId: 'r1',
      attempt: 2,
      config,
      signal: new AbortController().signal,
      finishedStages: new Set<string>(),
      metric: async () => void touched.push('metric'),
      stage: async () => void touched.push('stage'),
      log: () => undefined,
      uploadArtifact: async () => void touched.push('upload'),
      checkpoints: () => {
        touched.push('checkpoints');
        return { restore: async () => 'none' as const, push: async () => undefined };
      },
    } satisfies JobContext;
    await expect(pipelineJob(context)).rejects.toThrow(/^evaluation\.test: ".*elsewhere" is outside the allowed dataset folders/);
    expect(touched).toEqual([]);
  });

  it('fails a run whose pretext.permutationsFile lies outside the roots before any stage, naming the field', async () => {
    vi.stubEnv('KTLAB_DATASET_ROOTS', join(base, 'datasets'));
    const config = runConfigSchema.parse({ kind: 'pipeline', data: { path: join(base, 'datasets', 'train') }, pretext: { permutations: 100, permutationsFile: join(base, 'elsewhere', 'p.bin') } });
    const touched: string[] = [];
    const context = {
      runId: 'r2',
      attempt: 2,
      config,
      signal: new AbortController().signal,
      finishedStages: new Set<string>(),
      metric: async () => void touched.push('metric'),
      stage: async () => void touched.push('stage'),
      log: () => undefined,
      uploadArtifact: async () => void touched.push('upload'),
      checkpoints: () => {
        touched.push('checkpoints');
        return { restore: async () => 'none' as const, push: async () => undefined };
      },
    } satisfies JobContext;
    await expect(pipelineJob(context)).rejects.toThrow(/^pretext\.permutationsFile: ".*p\.bin" is outside the allowed dataset folders/);
    expect(touched).toEqual([]);
  });
});
