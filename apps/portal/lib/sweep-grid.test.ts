import { MAX_SWEEP_RUNS, presetConfig, sweepAxesSchema } from '@ktlab/config';
import { describe, expect, it } from 'vitest';
import { firstRunName, parseDatasetValue, parseSweep, sweepFieldSuggestions, sweepServerErrors, table2Axes, type SweepAxisDraft } from './sweep-grid';
import { setAt } from './launch-config';

const TRAIN = '/data/cifar/train';
const pipeline = (quick = true) => presetConfig('cc-jigsaw++', { data: { path: TRAIN, format: 'folder' }, quick }) as Record<string, unknown>;
const smoke = () => presetConfig('smoke') as Record<string, unknown>;
const sweep = (...axes: SweepAxisDraft[]) => ({ enabled: true, axes });

describe('launch form sweeps: several fields, one run per combination', () => {
  it('reads each axis’s values with the type its field wants, counts the product and names the first run', () => {
    const parsed = parseSweep(sweep({ field: 'clustering.k', values: '50, 100 ,200' }, { field: ' seed ', values: '0,1' }, { field: 'clustering.layer', values: 'conv3, conv4' }), pipeline());
    expect(parsed.error).toBeUndefined();
    expect(parsed.axisErrors.filter(Boolean)).toEqual([]);
    expect(parsed.axes).toEqual([
      { field: 'clustering.k', values: [50, 100, 200] },
      { field: 'seed', values: [0, 1] },
      { field: 'clustering.layer', values: ['conv3', 'conv4'] },
    ]);
    expect(parsed.count).toBe(12);
    expect(parsed.valueCounts).toEqual([3, 2, 2]);
    expect(firstRunName('grid', parsed)).toBe('grid-50-0-conv3');
    // What the form sends is what the API's schema accepts.
    expect(sweepAxesSchema.safeParse(parsed.axes).success).toBe(true);
  });

  it('sends a number-looking value as text when the field wants text, and booleans as booleans', () => {
    // clustering.layer is text: "4" goes as "4", not 4 (which the schema would refuse).
    const layers = parseSweep(sweep({ field: 'clustering.layer', values: '4, conv5' }), pipeline());
    expect(layers.error).toBeUndefined();
    expect(layers.axes[0].values).toEqual(['4', 'conv5']);
    // A number field given text is refused at its axis, in the API's words.
    expect(parseSweep(sweep({ field: 'clustering.k', values: '50, many' }), pipeline()).axisErrors[0]).toMatch(/^clustering\.k = many: clustering\.k: /);
    const text = parseSweep(sweep({ field: 'data.path', values: '/data/a, 2024' }), pipeline());
    expect(text.error).toBeUndefined();
    expect(text.axes[0].values).toEqual(['/data/a', '2024']);
    const flags = parseSweep(sweep({ field: 'target.classBalanced', values: 'true, false' }), pipeline());
    expect(flags.axes[0].values).toEqual([true, false]);
  });

  it('builds the paper’s Table 2 domains from subsets and folders, carrying the training data’s format and limit', () => {
    const config = pipeline();
    const limit = (config.data as { limit: number }).limit;
    expect(limit).toBe(5_000);
    const axes = table2Axes(config);
    expect(axes).toEqual([
      { field: 'clustering.data', values: 'first-half' },
      { field: 'pseudoLabels.data', values: 'first-half, second-half, /data/cifar/test' },
    ]);
    const parsed = parseSweep(sweep(...axes), config);
    expect(parsed.error).toBeUndefined();
    expect(parsed.count).toBe(3);
    const halfA = { path: TRAIN, format: 'folder', limit, subset: 'first-half' };
    expect(parsed.axes).toEqual([
      { field: 'clustering.data', values: [halfA] },
      { field: 'pseudoLabels.data', values: [halfA, { ...halfA, subset: 'second-half' }, { path: '/data/cifar/test', format: 'folder', limit, subset: 'all' }] },
    ]);
    expect(parsed.labels[1]).toEqual(['train.first-half', 'train.second-half', 'test']);
    expect(firstRunName('domain', parsed)).toBe('domain-train.first-half-train.first-half');

    // The evaluation test set, when set, is the test domain; without it or a train/test pair, only the halves.
    const withTest = setAt(config, 'evaluation.test', { path: '/sets/held-out', format: 'folder', subset: 'all' });
    expect(table2Axes(withTest)[1].values).toBe('first-half, second-half, /sets/held-out');
    expect(table2Axes(setAt(config, 'data.path', '/data/unlabelled'))[1].values).toBe('first-half, second-half');
  });

  it('reads dataset values: a part of the training data, a folder whole, a folder’s part; refuses what is neither', () => {
    const data = { path: TRAIN, format: 'cifar-binary', subset: 'all' };
    expect(parseDatasetValue('second-half', data)).toEqual({ value: { path: TRAIN, format: 'cifar-binary', subset: 'second-half' } });
    expect(parseDatasetValue('/x/test', data)).toEqual({ value: { path: '/x/test', format: 'cifar-binary', subset: 'all' } });
    expect(parseDatasetValue('/x/y#first-half', data)).toEqual({ value: { path: '/x/y', format: 'cifar-binary', subset: 'first-half' } });
    expect(parseDatasetValue('/x/y#third-half', data)).toEqual({ error: '"third-half" in "/x/y#third-half" is not a subset (all, first-half, second-half)' });
    expect(parseDatasetValue('first-half', { path: '', format: 'folder' })).toEqual({ error: '"first-half" is a part of the training data: set the training images first' });
    const bad = parseSweep(sweep({ field: 'pseudoLabels.data', values: 'first-half, /x#quarter' }), pipeline());
    expect(bad.axisErrors[0]).toBe('"quarter" in "/x#quarter" is not a subset (all, first-half, second-half)');
    expect(bad.error).toBe(bad.axisErrors[0]);
  });

  it(`counts runs before launching and refuses more than ${MAX_SWEEP_RUNS}, saying how many`, () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => i + 2).join(', ');
    const over = parseSweep(sweep({ field: 'clustering.k', values: values(13) }, { field: 'seed', values: values(5) }), pipeline());
    expect(over.count).toBe(65);
    expect(over.capError).toBe(`this sweep makes 65 runs (13 × 5); a sweep launches at most ${MAX_SWEEP_RUNS}`);
    expect(over.error).toBe(over.capError);
    const atCap = parseSweep(sweep({ field: 'clustering.k', values: values(8) }, { field: 'seed', values: values(8) }), pipeline());
    expect(atCap.count).toBe(MAX_SWEEP_RUNS);
    expect(atCap.error).toBeUndefined();
    expect(atCap.capError).toBeUndefined();
  });

  it('puts each problem at its axis: unknown field, bad path, no values, repeats, a field swept twice or inside another', () => {
    const parsed = parseSweep(
      sweep(
        { field: 'seed', values: '1, 2' },
        { field: 'clustering.kk', values: '5' },
        { field: 'clustering k', values: '5' },
        { field: 'target.epochs', values: ' , ' },
        { field: 'clustering.k', values: '50, 100, 50' },
        { field: 'seed', values: '3' },
      ),
      pipeline(),
    );
    expect(parsed.axisErrors).toEqual([
      undefined,
      'clustering.kk = 5: clustering.kk: unknown field "kk"',
      'a dotted config path such as clustering.k',
      'give at least one value',
      'clustering.k: the value 50 is given twice',
      'seed is swept twice',
    ]);
    expect(parsed.error).toBe(parsed.axisErrors[1]);
    const nested = parseSweep(sweep({ field: 'clustering.data', values: 'first-half' }, { field: 'clustering.data.subset', values: 'second-half' }), pipeline());
    expect(nested.axisErrors[1]).toBe('clustering.data.subset overlaps clustering.data, swept already');
    expect(parseSweep(sweep({ field: '', values: '1' }), pipeline()).axisErrors[0]).toBe('name a config field, e.g. clustering.k');
    expect(parseSweep(sweep({ field: 'clustering.k', values: '1' }), pipeline()).axisErrors[0]).toMatch(/^clustering\.k = 1: clustering\.k: /);
  });

  it('checks the fields of the run’s kind: the worker check has no clustering', () => {
    const parsed = parseSweep(sweep({ field: 'steps', values: '10, 20' }, { field: 'clustering.k', values: '50' }), smoke());
    expect(parsed.axisErrors[0]).toBeUndefined();
    expect(parsed.axisErrors[1]).toBe('clustering.k = 50: clustering: unknown field "clustering"');
    expect(sweepFieldSuggestions(smoke())).not.toContain('clustering.k');
    expect(sweepFieldSuggestions(smoke())).toContain('steps');
    const forPipeline = sweepFieldSuggestions(pipeline());
    expect(forPipeline.slice(0, 2)).toEqual(['seed', 'clustering.k']);
    expect(forPipeline).toContain('pseudoLabels.data');
    expect(forPipeline).toContain('pretext.epochs');
    expect(forPipeline).not.toContain('kind');
  });

  it('checks every combination as the API does: values valid alone may clash together', () => {
    // source "file" needs a labels file; sweeping it alone is refused at its axis …
    const alone = parseSweep(sweep({ field: 'clustering.source', values: 'hog, file' }), pipeline());
    expect(alone.error).toBe('clustering.source = file: clustering.labelsFile: required when clustering.source is "file"');
    expect(alone.axisErrors[0]).toBeUndefined();
    // … and accepted when the config names the file.
    const withFile = setAt(setAt(pipeline(), 'clustering.source', 'file'), 'clustering.labelsFile', { path: '/labels/released.csv', format: 'auto' });
    const ok = parseSweep(sweep({ field: 'clustering.labelsFile.path', values: '/labels/a.csv, /labels/b.csv' }), withFile);
    expect(ok.error).toBeUndefined();
    expect(ok.count).toBe(2);
  });

  it('places the API’s refusals: beside an axis, beside a config field, or above the launch button', () => {
    const axes = [{ field: 'seed' }, { field: 'clustering.kk' }, { field: 'pseudoLabels.data' }];
    const placed = sweepServerErrors(
      [
        { path: 'axes.1.field', message: 'clustering.kk = 5: clustering.kk: unknown field "kk"' },
        { path: 'axes.1.values', message: 'second' },
        { path: 'config.pretext.permutationsFile', message: '"/etc/p.bin" is outside the allowed dataset folders (/data)' },
        { path: 'config.pseudoLabels.data.path', message: '"/home/x" is outside the allowed dataset folders (/data)' },
        { path: 'axes', message: 'this sweep makes 65 runs (13 × 5); a sweep launches at most 64' },
      ],
      axes,
    );
    expect(placed.axisErrors).toEqual({
      1: 'clustering.kk = 5: clustering.kk: unknown field "kk"',
      2: 'pseudoLabels.data.path: "/home/x" is outside the allowed dataset folders (/data)',
    });
    expect(placed.configErrors).toEqual([{ path: 'pretext.permutationsFile', message: '"/etc/p.bin" is outside the allowed dataset folders (/data)' }]);
    expect(placed.general).toEqual(['this sweep makes 65 runs (13 × 5); a sweep launches at most 64']);
  });
});
