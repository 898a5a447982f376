import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { MAX_SWEEP_RUNS, presets } from '@ktlab/config';
import { createTestApi, type TestApi } from '../../testing';

const TRAIN = '/data/cifar/train';
const TEST = '/data/cifar/test';
const pipeline = () => presets.find((p) => p.id === 'cc-jigsaw++')?.build({ data: { path: TRAIN } }) as { kind: 'pipeline' } & Record<string, unknown>;

/** The field paths and messages of a refused call (what the launch form shows beside each field). */
async function refusal(call: Promise<unknown>): Promise<{ message: string; issues: { path: string; message: string }[] }> {
  const error = (await call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  )) as { code?: string; message: string; cause?: unknown };
  expect(error.code).toBe('BAD_REQUEST');
  const issues = error.cause instanceof ZodError ? error.cause.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) : [];
  return { message: error.message, issues };
}

describe('runs.createSweep: grid sweeps', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('creates every combination of the axes once, with its values in the config and the run name', async () => {
    const axes = [
      { field: 'clustering.k', values: [50, 100, 200] },
      { field: 'seed', values: [0, 1] },
    ];
    const sweep = await api.user.runs.createSweep({ name: 'grid', method: 'cc-jigsaw++', config: pipeline() as never, axes, tags: ['t1'] });
    expect(sweep.runs).toHaveLength(6);
    const { runs } = await api.user.runs.list({ sweepId: sweep.sweepId, pageSize: 100 });
    const seen = runs.map((run) => {
      const config = run.config as { clustering: { k: number }; seed: number; data: { path: string } };
      expect(run.name).toBe(`grid-${config.clustering.k}-${config.seed}`);
      expect(config.data.path).toBe(TRAIN);
      expect(run.tags).toEqual(['t1']);
      return `${config.clustering.k}/${config.seed}`;
    });
    expect(seen.sort()).toEqual(['100/0', '100/1', '200/0', '200/1', '50/0', '50/1']);
    // Another sweep is another group.
    const other = await api.user.runs.createSweep({ name: 'one', method: 'm', config: pipeline() as never, field: 'seed', values: [7] });
    expect(other.sweepId).not.toBe(sweep.sweepId);
    expect((await api.user.runs.list({ sweepId: other.sweepId })).total).toBe(1);
  });

  it('sweeps dataset subsets: the paper’s Table 2 (cluster on half A; pseudo-label half A, half B, test)', async () => {
    const halfA = { path: TRAIN, subset: 'first-half' };
    const axes = [
      { field: 'clustering.data', values: [halfA] },
      { field: 'pseudoLabels.data', values: [halfA, { path: TRAIN, subset: 'second-half' }, { path: TEST }] },
    ];
    const sweep = await api.user.runs.createSweep({ name: 'domain', method: 'cc-jigsaw++', config: pipeline() as never, axes });
    expect(sweep.runs.map((r) => r.name)).toEqual(['domain-train.first-half-train.first-half', 'domain-train.first-half-train.second-half', 'domain-train.first-half-test']);
    const configs = await Promise.all(sweep.runs.map(async ({ id }) => (await api.user.runs.get({ id })).config as Record<string, { data?: { path: string; subset: string } }>));
    expect(configs.map((c) => c.clustering.data)).toEqual([0, 1, 2].map(() => expect.objectContaining({ path: TRAIN, subset: 'first-half' })));
    expect(configs.map((c) => [c.pseudoLabels.data?.path, c.pseudoLabels.data?.subset])).toEqual([
      [TRAIN, 'first-half'],
      [TRAIN, 'second-half'],
      [TEST, 'all'],
    ]);
    // And the data subset itself is a field like any other.
    const subsets = await api.user.runs.createSweep({ name: 's', method: 'm', config: pipeline() as never, axes: [{ field: 'data.subset', values: ['first-half', 'second-half'] }] });
    expect(subsets.runs.map((r) => r.name)).toEqual(['s-first-half', 's-second-half']);
  });

  it(`refuses more than ${MAX_SWEEP_RUNS} runs, saying how many it would make, and creates none`, async () => {
    const range = (n: number) => Array.from({ length: n }, (_, i) => i + 2);
    const axes = [
      { field: 'clustering.k', values: range(13) },
      { field: 'seed', values: range(5) },
    ];
    const { issues } = await refusal(api.user.runs.createSweep({ name: 'big', method: 'm', config: pipeline() as never, axes }));
    expect(issues).toEqual([{ path: 'axes', message: `this sweep makes 65 runs (13 × 5); a sweep launches at most ${MAX_SWEEP_RUNS}` }]);
    expect(await api.db.run.count()).toBe(0);
    // Exactly the cap is allowed.
    const atCap = await api.user.runs.createSweep({ name: 'cap', method: 'm', config: pipeline() as never, axes: [{ field: 'seed', values: range(8) }, { field: 'clustering.k', values: range(8) }] });
    expect(atCap.runs).toHaveLength(MAX_SWEEP_RUNS);
    expect(new Set(atCap.runs.map((r) => r.name)).size).toBe(MAX_SWEEP_RUNS);
    expect(await api.db.run.count()).toBe(MAX_SWEEP_RUNS);
  });

  it('answers field-level errors: an unknown field, an empty or repeated value list, a field swept twice, a bad value', async () => {
    const base = { name: 'bad', method: 'm', config: pipeline() as never };
    const unknown = await refusal(api.user.runs.createSweep({ ...base, axes: [{ field: 'seed', values: [1, 2] }, { field: 'clustering.kk', values: [5, 10] }] }));
    expect(unknown.issues).toEqual([{ path: 'axes.1.field', message: 'clustering.kk = 5: clustering.kk: unknown field "kk"' }]);

    const empty = await refusal(api.user.runs.createSweep({ ...base, axes: [{ field: 'seed', values: [1] }, { field: 'clustering.k', values: [] }] }));
    expect(empty.issues).toEqual([{ path: 'axes.1.values', message: 'give at least one value' }]);

    const repeated = await refusal(api.user.runs.createSweep({ ...base, axes: [{ field: 'clustering.k', values: [50, 100, 50] }] }));
    expect(repeated.issues).toEqual([{ path: 'axes.0.values', message: 'clustering.k: the value 50 is given twice' }]);

    const twice = await refusal(api.user.runs.createSweep({ ...base, axes: [{ field: 'clustering.data', values: [{ path: TRAIN }] }, { field: 'clustering.data.subset', values: ['first-half'] }] }));
    expect(twice.issues).toEqual([{ path: 'axes.1.field', message: 'clustering.data.subset overlaps clustering.data, swept already' }]);

    const badValue = await refusal(api.user.runs.createSweep({ ...base, axes: [{ field: 'seed', values: [1] }, { field: 'pseudoLabels.data', values: [{ path: TRAIN, subset: 'third-half' }] }] }));
    expect(badValue.issues).toHaveLength(1);
    expect(badValue.issues[0].path).toBe('axes.1.values');
    expect(badValue.message).toMatch(/^pseudoLabels\.data = train\.third-half: pseudoLabels\.data\.subset: /);

    const none = await refusal(api.user.runs.createSweep({ ...base }));
    expect(none.issues.map((i) => i.path)).toEqual(['axes', 'values']);
    expect(await api.db.run.count()).toBe(0);
  });
});
