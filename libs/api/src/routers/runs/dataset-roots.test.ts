import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { createTestApi, type TestApi } from '../../testing';

/** The field paths of a refused call's field errors (what the launch form shows beside each field). */
async function refusedFields(call: Promise<unknown>): Promise<{ fields: string[]; message: string }> {
  const error = (await call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  )) as { code?: string; message: string; cause?: unknown };
  expect(error.code).toBe('BAD_REQUEST');
  const issues = error.cause instanceof ZodError ? error.cause.issues : [];
  return { fields: issues.map((issue) => issue.path.join('.')), message: [error.message, ...issues.map((issue) => issue.message)].join('\n') };
}

describe('KTLAB_DATASET_ROOTS on runs.create, runs.createSweep and runs.import', () => {
  let api: TestApi;
  let base: string;
  let inside: string;
  let outside: string;
  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'ktlab-run-roots-')));
    mkdirSync(join(base, 'shared-real', 'datasets', 'train', 'cat'), { recursive: true });
    mkdirSync(join(base, 'shared-real', 'datasets', 'test', 'cat'), { recursive: true });
    // the configured root is a symlink, like ../shared
    symlinkSync(join(base, 'shared-real'), join(base, 'shared'));
    inside = join(base, 'shared', 'datasets', 'train');
    outside = join(base, 'home');
    mkdirSync(join(outside, 'postgres'), { recursive: true });
    writeFileSync(join(outside, 'admin-credentials'), 'email=a\npassword=b\n');
    symlinkSync(outside, join(base, 'shared-real', 'datasets', 'escape'));
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

  const pipeline = (overrides: Record<string, unknown> = {}) => ({ kind: 'pipeline' as const, data: { path: inside }, ...overrides });

  it('accepts datasets inside a symlinked root, named through the link or its target', async () => {
    await expect(api.user.runs.create({ method: 'cc-jigsaw++', config: pipeline() })).resolves.toMatchObject({ id: expect.any(String) });
    const viaTarget = { path: join(base, 'shared-real', 'datasets', 'test') };
    await expect(api.user.runs.create({ method: 'cc-jigsaw++', config: pipeline({ evaluation: { test: viaTarget } }) })).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('refuses every dataset field outside the roots, each named, and creates nothing', async () => {
    const config = pipeline({
      data: { path: outside },
      clustering: { data: { path: join(outside, 'postgres') } },
      pseudoLabels: { data: { path: join(base, 'shared', 'datasets', 'escape') } },
      evaluation: { train: { path: inside }, test: { path: '/etc' } },
    });
    const { fields, message } = await refusedFields(api.user.runs.create({ method: 'x', config }));
    expect(fields).toEqual(['config.data.path', 'config.clustering.data.path', 'config.pseudoLabels.data.path', 'config.evaluation.test.path']);
    expect(message).toMatch(/^config\.data\.path: /);
    // nothing about what the refused folders hold
    for (const name of [...readdirSync('/etc').slice(0, 50), 'admin-credentials', 'postgres']) expect(message).not.toContain(`${name}\n`);
    expect(message).not.toContain('admin-credentials');
    expect(message).not.toContain('passwd');
    expect(await api.db.run.count()).toBe(0);
  });

  it('answers the same for a missing and an existing folder outside the roots', async () => {
    const existing = await refusedFields(api.user.runs.create({ method: 'x', config: pipeline({ evaluation: { test: { path: join(outside, 'postgres') } } }) }));
    const missing = await refusedFields(api.user.runs.create({ method: 'x', config: pipeline({ evaluation: { test: { path: join(outside, 'nothing') } } }) }));
    expect(missing.message.replaceAll('nothing', 'postgres')).toBe(existing.message);
  });

  it('checks the swept value of every run of a sweep before creating any', async () => {
    const sweep = { name: 'data-sweep', method: 'x', config: pipeline(), field: 'data.path', values: [inside, outside] };
    const { fields, message } = await refusedFields(api.user.runs.createSweep(sweep));
    expect(fields).toEqual(['config.data.path']);
    expect(message).toContain(outside);
    expect(await api.db.run.count()).toBe(0);
    await expect(api.user.runs.createSweep({ ...sweep, values: [inside, join(base, 'shared-real', 'datasets', 'test')] })).resolves.toMatchObject({ runs: [{}, {}] });
  });

  it('refuses an imported run whose config reads outside the roots', async () => {
    const imported = {
      method: 'x',
      importedFrom: 'cli@laptop',
      importKey: 'k'.repeat(64),
      startedAt: new Date('2026-11-23T10:00:00Z'),
      finishedAt: new Date('2026-11-23T10:05:00Z'),
    };
    const { fields } = await refusedFields(api.user.runs.import({ ...imported, config: pipeline({ evaluation: { test: { path: '/etc' } } }) }));
    expect(fields).toEqual(['config.evaluation.test.path']);
    await expect(api.user.runs.import({ ...imported, config: pipeline() })).resolves.toMatchObject({ created: true });
  });

  it('checks the pretext permutation file against the roots like a dataset, at its own field', async () => {
    const permutationsFile = join(base, 'shared', 'reference', 'permutations_100.bin');
    mkdirSync(join(base, 'shared-real', 'reference'), { recursive: true });
    writeFileSync(permutationsFile, 'bytes the worker reads');
    const withFile = (path: string) => pipeline({ pretext: { permutations: 100, permutationsFile: path } });
    await expect(api.user.runs.create({ method: 'jigsaw', config: withFile(permutationsFile) })).resolves.toMatchObject({ id: expect.any(String) });
    const { fields, message } = await refusedFields(api.user.runs.create({ method: 'jigsaw', config: withFile(join(outside, 'admin-credentials')) }));
    expect(fields).toEqual(['config.pretext.permutationsFile']);
    expect(message).toMatch(/^config\.pretext\.permutationsFile: ".*admin-credentials" is outside the allowed dataset folders/);
    expect(await api.db.run.count()).toBe(1);
  });

  it('allows any path when KTLAB_DATASET_ROOTS is unset', async () => {
    vi.stubEnv('KTLAB_DATASET_ROOTS', '');
    await expect(api.user.runs.create({ method: 'x', config: pipeline({ data: { path: '/anywhere/at/all' } }) })).resolves.toMatchObject({ id: expect.any(String) });
  });
});
