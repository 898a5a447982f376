import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presets } from '@ktlab/config';
import { createTestApi, type TestApi } from '../../testing';

const pipeline = () => presets.find((p) => p.id === 'cc-jigsaw++')?.build({ data: { path: '/data/cifar' } }) as { kind: 'pipeline' } & Record<string, unknown>;

describe('runs table features', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('launches a sweep as a group of validated runs, filterable by config field and sweep', async () => {
    const base = { ...pipeline(), clustering: { k: 500 } };
    const sweep = await api.user.runs.createSweep({ name: 'k-sweep', method: 'cc-jigsaw++', config: base as never, field: 'clustering.k', values: [500, 1000, 2000], tags: ['sweep'] });
    expect(sweep.runs.map((r) => r.name)).toEqual(['k-sweep-500', 'k-sweep-1000', 'k-sweep-2000']);
    await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const k1000 = await api.user.runs.list({ config: [{ path: 'clustering.k', value: 1000 }] });
    expect(k1000.runs.map((r) => r.name)).toEqual(['k-sweep-1000']);
    const bySweep = await api.user.runs.list({ sweepId: sweep.sweepId, sort: 'name', order: 'asc' });
    expect(bySweep.total).toBe(3);
    expect(bySweep.runs.every((r) => r.tags.includes('sweep'))).toBe(true);
    const run = await api.user.runs.get({ id: sweep.runs[2].id });
    expect((run.config as { clustering: { k: number; iterations: number } }).clustering).toMatchObject({ k: 2000, iterations: 20 });
    // An invalid value refuses the whole sweep, naming the value.
    await expect(api.user.runs.createSweep({ name: 'bad', method: 'm', config: base as never, field: 'clustering.k', values: [1000, 1] })).rejects.toThrow(/clustering.k = 1/);
    expect((await api.user.runs.list({ method: 'm' })).total).toBe(0);
  });

  it('tags runs and filters by every tag given', async () => {
    await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' }, tags: ['baseline'] });
    const b = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    await api.user.runs.setTags({ id: b.id, tags: ['baseline', 'paper', 'paper'] });
    expect((await api.user.runs.get({ id: b.id })).tags).toEqual(['baseline', 'paper']);
    expect((await api.user.runs.list({ tags: ['baseline'] })).total).toBe(2);
    expect((await api.user.runs.list({ tags: ['baseline', 'paper'] })).runs.map((r) => r.id)).toEqual([b.id]);
  });

  it('soft-deletes finished runs into the trash and restores them; refuses active runs', async () => {
    const done = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const active = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    await api.user.runs.cancel({ id: done.id });
    await expect(api.user.runs.delete({ ids: [active.id] })).rejects.toThrow(/cancel .* first/);
    expect((await api.user.runs.delete({ ids: [done.id] })).deleted).toBe(1);
    expect((await api.user.runs.list({})).runs.map((r) => r.id)).toEqual([active.id]);
    expect((await api.user.runs.list({ view: 'deleted' })).runs.map((r) => r.id)).toEqual([done.id]);
    expect((await api.user.runs.restore({ ids: [done.id] })).restored).toBe(1);
    expect((await api.user.runs.list({})).total).toBe(2);
    expect((await api.user.runs.list({ view: 'deleted' })).total).toBe(0);
  });

  it('groups by method with status counts under the same filters', async () => {
    for (let i = 0; i < 3; i++) await api.user.runs.create({ method: 'jigsaw', config: { kind: 'smoke' } });
    const cancelled = await api.user.runs.create({ method: 'jigsaw', config: { kind: 'smoke' } });
    await api.user.runs.cancel({ id: cancelled.id });
    await api.user.runs.create({ method: 'random', config: { kind: 'smoke' } });
    expect(await api.user.runs.groups({})).toEqual([
      { method: 'jigsaw', total: 4, byStatus: { queued: 3, cancelled: 1 } },
      { method: 'random', total: 1, byStatus: { queued: 1 } },
    ]);
    expect(await api.user.runs.groups({ status: ['cancelled'] })).toEqual([{ method: 'jigsaw', total: 1, byStatus: { cancelled: 1 } }]);
  });

  it('compares runs: differing config fields, curves only for metrics with more than one point, single values as a table, seed groups, named test sets', async () => {
    const a = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', seed: 1 } });
    const b = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', seed: 2 } });
    const c = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', seed: 3, steps: 7 } });
    await api.db.dataset.create({ data: { projectId: (await api.db.project.findFirstOrThrow({ where: { slug: 'default' } })).id, name: 'my-test-set', format: 'folder', location: '/data/test', imageCount: 2000 } });
    const w = await api.newWorker('cmp');
    const series = (key: string, steps: number, value: number) => Array.from({ length: steps }, (_, step) => ({ key, step, value, wallTime: new Date() }));
    for (const [run, points] of [
      [a, [...series('loss', 3, 1), ...series('acc', 1, 0.25)]],
      [b, [...series('loss', 1, 1), ...series('acc', 1, 0.5)]],
      [c, [...series('loss', 2, 1)]],
    ] as const) {
      await w.caller.worker.claim({ workerId: w.workerId });
      await w.caller.worker.logMetrics({ workerId: w.workerId, runId: run.id, points: [...points] });
      await w.caller.worker.finish({ outcome: 'succeeded', workerId: w.workerId, runId: run.id, evalResults: [{ protocol: 'linear', layer: 'conv1', dataset: '/data/test', metric: 'top1', value: 0.5 }] });
    }
    const compared = await api.user.runs.compare({ ids: [b.id, a.id, c.id] });
    expect(compared.runs.map((r) => r.id)).toEqual([b.id, a.id, c.id]);
    expect(compared.configDiff).toEqual([
      { path: 'seed', values: [2, 1, 3] },
      { path: 'steps', values: [60, 60, 7] },
    ]);
    expect(compared.commonMetricKeys).toEqual(['loss']);
    expect(compared.summaryMetrics).toEqual([{ key: 'acc', values: [0.5, 0.25, null] }]);
    expect(compared.seedGroups).toEqual([[b.id, a.id]]);
    expect(compared.testSets).toEqual([{ dataset: '/data/test', label: 'my-test-set', images: 2000 }]);
    expect(compared.runs[0].evalResults).toHaveLength(1);
  });

  it('run page: metrics logged once are single values (with their value), longer ones curves; test sets by registered name', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const project = await api.db.project.findFirstOrThrow({ where: { slug: 'default' } });
    await api.db.dataset.create({ data: { projectId: project.id, name: 'train-set', format: 'folder', location: '/data/train', imageCount: 5000 } });
    const w = await api.newWorker('page');
    await w.caller.worker.claim({ workerId: w.workerId });
    const points = [0, 1, 2].map((step) => ({ key: 'loss', step, value: 3 - step, wallTime: new Date() }));
    await w.caller.worker.logMetrics({ workerId: w.workerId, runId: run.id, points: [...points, { key: 'eval/linear/conv3/top1', step: 0, value: 0.42, wallTime: new Date() }] });
    await w.caller.worker.finish({ outcome: 'succeeded', workerId: w.workerId, runId: run.id, evalResults: [{ protocol: 'linear', layer: 'conv1', dataset: '/data/train [1000] (held-out 20%)', metric: 'top1', value: 0.5 }] });
    const page = await api.user.runs.get({ id: run.id });
    expect(page.metricKeys).toEqual(['eval/linear/conv3/top1', 'loss']);
    expect(page.singleValues).toEqual([{ key: 'eval/linear/conv3/top1', value: 0.42 }]);
    expect(page.testSets).toEqual([{ dataset: '/data/train [1000] (held-out 20%)', label: 'train-set, first 1,000, 20% held out', images: 200 }]);
  });

  it('metric columns: each listed run carries the last logged value of the keys asked for, and nothing else', async () => {
    const logged = await api.user.runs.create({ method: 'smoke', name: 'logged', config: { kind: 'smoke' } });
    await api.user.runs.create({ method: 'smoke', name: 'silent', config: { kind: 'smoke' } });
    const w = await api.newWorker('metrics');
    await w.caller.worker.claim({ workerId: w.workerId });
    const at = (key: string, step: number, value: number) => ({ key, step, value, wallTime: new Date() });
    // sent out of step order: the column shows the value at the last step, not the last one received
    await w.caller.worker.logMetrics({ workerId: w.workerId, runId: logged.id, points: [at('loss', 2, 0.5), at('loss', 0, 2), at('pseudo-labels/nmi', 0, 0.31), at('other', 0, 7)] });
    const rows = (await api.user.runs.list({ metricColumns: ['loss', 'pseudo-labels/nmi', 'never-logged'], sort: 'name', order: 'asc' })).runs;
    expect(rows.map((row) => [row.name, row.metrics])).toEqual([
      ['logged', { loss: 0.5, 'pseudo-labels/nmi': 0.31 }],
      ['silent', {}],
    ]);
    expect((await api.user.runs.list({ search: 'logged' })).runs[0]?.metrics).toEqual({});
  });

  it('filters and sorts by eval results (a layer, or the best over layers); rows carry config, results and the dataset by name', async () => {
    const project = await api.db.project.findFirstOrThrow({ where: { slug: 'default' } });
    await api.db.dataset.create({ data: { projectId: project.id, name: 'my-images', format: 'folder', location: '/data/cifar' } });
    const w = await api.newWorker('evals');
    const finished = async (name: string, linear: Record<string, number>) => {
      const run = await api.user.runs.create({ method: 'cc-jigsaw++', name, config: pipeline() as never });
      await w.caller.worker.claim({ workerId: w.workerId });
      const evalResults = Object.entries(linear).map(([layer, value]) => ({ protocol: 'linear' as const, layer, dataset: '/data/t', metric: 'top1', value }));
      await w.caller.worker.finish({ outcome: 'succeeded', workerId: w.workerId, runId: run.id, evalResults });
      return run.id;
    };
    await finished('low', { conv1: 0.2, conv3: 0.4 });
    await finished('high', { conv1: 0.3, conv3: 0.6 });
    await finished('mixed', { conv1: 0.7, conv3: 0.45 });
    await api.user.runs.create({ method: 'smoke', name: 'no-evals', config: { kind: 'smoke' } });
    const names = async (input: Parameters<typeof api.user.runs.list>[0]) => (await api.user.runs.list(input)).runs.map((run) => run.name);
    const conv3 = { protocol: 'linear', layer: 'conv3' };
    expect(await names({ evals: [{ ...conv3, op: '>', value: 0.5 }] })).toEqual(['high']);
    expect(await names({ evals: [{ ...conv3, op: '<=', value: 0.45 }], sort: 'name', order: 'asc' })).toEqual(['low', 'mixed']);
    expect(await names({ evals: [{ protocol: 'linear', layer: 'best', op: '>=', value: 0.6 }], sort: 'name', order: 'asc' })).toEqual(['high', 'mixed']);
    expect(await names({ evals: [{ protocol: 'linear', layer: 'best', op: '<', value: 0.6 }] })).toEqual(['low']);
    expect(await names({ sortEval: conv3, order: 'desc' })).toEqual(['high', 'mixed', 'low', 'no-evals']);
    expect(await names({ sortEval: conv3, order: 'asc' })).toEqual(['low', 'mixed', 'high', 'no-evals']);
    expect(await names({ sortEval: { protocol: 'linear', layer: 'best' }, order: 'desc', pageSize: 2, page: 0 })).toEqual(['mixed', 'high']);
    const [row] = (await api.user.runs.list({ search: 'high' })).runs;
    expect(row.dataset).toEqual({ path: '/data/cifar', name: 'my-images' });
    expect(row.evalResults).toContainEqual({ protocol: 'linear', layer: 'conv3', metric: 'top1', value: 0.6 });
    expect((row.config as { clustering: { k: number } }).clustering.k).toBe(500);
    await expect(api.user.runs.list({ evals: [{ protocol: 'Linear', layer: 'conv3', op: '>', value: 1 }] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
