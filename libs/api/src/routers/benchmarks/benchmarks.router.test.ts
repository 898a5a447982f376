import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

describe('benchmarks router', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  /** A finished (or not) run of a method with linear-probe results per layer, inserted directly. */
  async function runWith(method: string, values: Record<string, number>, status: 'succeeded' | 'failed' = 'succeeded', projectSlug = 'default', tags: string[] = [], dataset = 'cifar10-test', sweep?: { sweepId: string; config: Record<string, string | number | Record<string, string | number>> }) {
    const project = await api.db.project.findUniqueOrThrow({ where: { slug: projectSlug } });
    const run = await api.db.run.create({ data: { projectId: project.id, name: `${method}-${Math.random()}`, method, config: sweep?.config ?? { kind: 'smoke' }, status, tags, sweepId: sweep?.sweepId } });
    await api.db.evalResult.createMany({
      data: Object.entries(values).map(([layer, value]) => ({ runId: run.id, protocol: 'linear', layer, dataset, metric: 'top1', value })),
    });
    return run.id;
  }

  it('builds the table from finished runs only: mean ± std over seeds, best per column, run ids per cell', async () => {
    const j1 = await runWith('jigsaw', { conv1: 0.3, conv2: 0.4 });
    const j2 = await runWith('jigsaw', { conv1: 0.5, conv2: 0.4 });
    const cc = await runWith('cc-jigsaw++', { conv1: 0.35, conv2: 0.6 });
    await runWith('cc-jigsaw++', { conv1: 0.99 }, 'failed');
    const deleted = await runWith('random', { conv1: 0.99 });
    await api.user.runs.delete({ ids: [deleted] });
    const outsider = await api.newUser('Out', { projects: ['other'] });
    await runWith('random', { conv1: 0.99 }, 'succeeded', 'other');

    const options = await api.user.benchmarks.options({});
    expect(options).toEqual({
      protocols: ['linear'],
      datasets: ['cifar10-test'],
      // not registered in this project: named as the results name it, size unknown
      testSets: [{ dataset: 'cifar10-test', label: 'cifar10-test', images: null }],
      metrics: ['top1'],
      layers: ['conv1', 'conv2'],
      studies: [],
    });
    const table = await api.user.benchmarks.table({ dataset: 'cifar10-test', columns: { by: 'layer', protocol: 'linear' } });
    expect(table.columns).toEqual(['conv1', 'conv2']);
    expect(table.rows.map((r) => r.method)).toEqual(['jigsaw', 'cc-jigsaw++']);
    const [jigsaw, ccRow] = table.rows;
    expect(jigsaw.cells.conv1).toMatchObject({ mean: expect.closeTo(0.4, 6), n: 2, best: true });
    expect(jigsaw.cells.conv1!.std).toBeCloseTo(Math.SQRT2 * 0.1, 6);
    expect(jigsaw.cells.conv1!.runIds.sort()).toEqual([j1, j2].sort());
    expect(ccRow.cells.conv2).toMatchObject({ mean: 0.6, std: null, runIds: [cc], best: true });
    expect(table.scale).toBe(100);
    expect(table.markdown, table.markdown).toContain('| Jigsaw | **40.0 ± 14.1** | 40.0 ± 0.0 |');
    expect(table.csv.split('\n')[0]).toBe('method,group,reference,conv1_mean,conv1_std,conv1_n,conv2_mean,conv2_std,conv2_n');

    const byProtocol = await api.user.benchmarks.table({ dataset: 'cifar10-test', columns: { by: 'protocol', layer: 'conv2' } });
    expect(byProtocol.columns).toEqual(['linear']);
    const outsiders = await outsider.caller.benchmarks.table({ projectSlug: 'other', dataset: 'cifar10-test', columns: { by: 'layer', protocol: 'linear' } });
    expect(outsiders.rows.map((r) => r.method)).toEqual(['random']);
  });

  it('narrows options and tables to one study\'s runs (tag study:<name>) and lists the studies with results', async () => {
    const quick = await runWith('jigsaw', { conv1: 0.3 }, 'succeeded', 'default', ['study:quick', 'cell:jigsaw-s0']);
    await runWith('jigsaw', { conv1: 0.7 }, 'succeeded', 'default', ['study:full'], 'cifar10-full-test');
    await runWith('jigsaw', { conv1: 0.9 }, 'succeeded', 'default', ['baseline']);
    await runWith('jigsaw', { conv1: 0.1 }, 'failed', 'default', ['study:broken']);

    const all = await api.user.benchmarks.options({});
    expect(all.studies).toEqual(['full', 'quick']);
    expect(all.datasets).toEqual(['cifar10-full-test', 'cifar10-test']);
    const quickOptions = await api.user.benchmarks.options({ study: 'quick' });
    expect(quickOptions).toMatchObject({ datasets: ['cifar10-test'], studies: ['full', 'quick'] });

    const columns = { by: 'layer', protocol: 'linear' } as const;
    const everything = await api.user.benchmarks.table({ dataset: 'cifar10-test', columns });
    expect(everything.rows[0].cells.conv1).toMatchObject({ n: 2, mean: expect.closeTo(0.6, 6) });
    const quickTable = await api.user.benchmarks.table({ dataset: 'cifar10-test', columns, study: 'quick' });
    expect(quickTable.rows[0].cells.conv1).toMatchObject({ n: 1, mean: 0.3, runIds: [quick] });
    const none = await api.user.benchmarks.table({ dataset: 'cifar10-test', columns, study: 'full' });
    expect(none.rows).toEqual([]);
  });

  it('narrows to one sweep\'s runs (?sweep=<id>): a row per combination of the swept fields, its seeds averaged', async () => {
    const sweepId = 'b7a2c1de-0000-4000-8000-000000000001';
    const config = (k: number, seed: number) => ({ kind: 'pipeline', seed, data: { path: '/d' }, clustering: { k } });
    const k50 = [
      await runWith('cc-jigsaw++', { conv1: 0.3 }, 'succeeded', 'default', [], 'cifar10-test', { sweepId, config: config(50, 0) }),
      await runWith('cc-jigsaw++', { conv1: 0.5 }, 'succeeded', 'default', [], 'cifar10-test', { sweepId, config: config(50, 1) }),
    ];
    const k100 = await runWith('cc-jigsaw++', { conv1: 0.6 }, 'succeeded', 'default', [], 'cifar10-test', { sweepId, config: config(100, 0) });
    await runWith('cc-jigsaw++', { conv1: 0.9 }, 'succeeded', 'default', [], 'cifar10-test', { sweepId: 'another-sweep', config: config(7, 0) });
    await runWith('cc-jigsaw++', { conv1: 0.1 });

    const columns = { by: 'layer', protocol: 'linear' } as const;
    // Without the filter every run of the method is one row: the sweep's points cannot be told apart.
    const all = await api.user.benchmarks.table({ dataset: 'cifar10-test', columns });
    expect(all.rows.map((row) => row.method)).toEqual(['cc-jigsaw++']);
    expect(all.rows[0].cells.conv1!.n).toBe(5);

    const swept = await api.user.benchmarks.table({ dataset: 'cifar10-test', columns, sweep: sweepId });
    expect(swept.rows.map((row) => row.method)).toEqual(['clustering.k = 50', 'clustering.k = 100']);
    expect(swept.rows[0].cells.conv1).toMatchObject({ mean: expect.closeTo(0.4, 6), n: 2 });
    expect(swept.rows[0].cells.conv1!.runIds.sort()).toEqual([...k50].sort());
    expect(swept.rows[1].cells.conv1).toMatchObject({ mean: 0.6, n: 1, runIds: [k100], best: true });
    expect(swept.methodNames['clustering.k = 100']).toBe('clustering.k = 100');
    expect(swept.markdown).toContain('| clustering.k = 100 | **60.0** |');
    expect((await api.user.benchmarks.options({ sweep: sweepId })).datasets).toEqual(['cifar10-test']);
    expect((await api.user.benchmarks.table({ dataset: 'cifar10-test', columns, sweep: 'no-such-sweep' })).rows).toEqual([]);
  });
});
