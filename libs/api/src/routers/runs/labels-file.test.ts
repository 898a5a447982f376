import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { createTestApi, type TestApi } from '../../testing';

async function refusal(call: Promise<unknown>): Promise<{ fields: string[]; messages: string[] }> {
  const error = (await call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  )) as { code?: string; cause?: unknown };
  expect(error.code).toBe('BAD_REQUEST');
  const issues = error.cause instanceof ZodError ? error.cause.issues : [];
  return { fields: issues.map((issue) => issue.path.join('.')), messages: issues.map((issue) => issue.message) };
}

describe('runs.create with pseudo-labels from a file (clustering.source "file")', () => {
  let api: TestApi;
  let base: string;
  let data: string;
  let labels: string;
  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'ktlab-labels-roots-')));
    data = join(base, 'shared', 'datasets', 'train');
    mkdirSync(join(data, 'cat'), { recursive: true });
    labels = join(base, 'shared', 'labels', 'released.csv');
    mkdirSync(join(base, 'shared', 'labels'));
    writeFileSync(labels, 'cat/1.jpg,0\n');
    mkdirSync(join(base, 'home'));
    writeFileSync(join(base, 'home', 'images.txt'), 'cat/1.jpg\n');
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  beforeEach(async () => {
    vi.stubEnv('KTLAB_DATASET_ROOTS', join(base, 'shared'));
    api = await createTestApi();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await api.close();
  });

  const pipeline = (clustering: Record<string, unknown>) => ({ kind: 'pipeline' as const, data: { path: data }, pretext: { task: 'none' as const }, clustering });

  it('creates the run with a labels file inside the dataset roots, the file kept in its config', async () => {
    const run = await api.user.runs.create({ method: 'cc-released-labels', config: pipeline({ source: 'file', labelsFile: { path: labels } }) });
    const stored = await api.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.config).toMatchObject({ clustering: { source: 'file', labelsFile: { path: labels, format: 'auto' } } });
  });

  it('refuses a labels file or its image list outside the roots at their own fields, and creates nothing', async () => {
    const outsideList = join(base, 'home', 'images.txt');
    const { fields, messages } = await refusal(
      api.user.runs.create({ method: 'x', config: pipeline({ source: 'file', labelsFile: { path: join(base, 'home', 'l.npy'), imageList: outsideList } }) }),
    );
    expect(fields).toEqual(['config.clustering.labelsFile.path', 'config.clustering.labelsFile.imageList']);
    expect(messages[1]).toMatch(/".*images\.txt" is outside the allowed dataset folders/);
    expect(await api.db.run.count()).toBe(0);
  });

  it('refuses source "file" without a labels file at the field the launch form shows', async () => {
    const { fields, messages } = await refusal(api.user.runs.create({ method: 'x', config: pipeline({ source: 'file' }) }));
    expect(fields).toEqual(['config.clustering.labelsFile']);
    expect(messages).toEqual(['required when clustering.source is "file"']);
  });
});
