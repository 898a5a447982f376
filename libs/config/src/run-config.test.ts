import { describe, expect, it } from 'vitest';
import { parseRunConfig, presetConfig, presets, runConfigInputSchema, runConfigSchema } from './index';

describe('runConfigSchema', () => {
  it('fills every default for a minimal pipeline config', () => {
    const config = runConfigSchema.parse({ kind: 'pipeline', data: { path: '/data/cifar10/train' } });
    expect(config.kind).toBe('pipeline');
    if (config.kind !== 'pipeline') return;
    expect(config.pretext.task).toBe('jigsaw++');
    expect(config.pretext.permutations).toBe(701);
    expect(config.clustering.k).toBe(500);
    expect(config.data.format).toBe('folder');
    expect(config.evaluation.layers).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5']);
    expect(config.evaluation).toMatchObject({ trainEpochs: 10, batchSize: 64, learningRate: 0.01 });
    expect(config.evaluation.nonlinearLayers).toBeUndefined();
    expect(config.evaluation.trainLimit).toBeUndefined();
  });

  it('validates the nonlinear and finetune settings', () => {
    const result = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, evaluation: { nonlinearLayers: ['fc7'], trainLimit: 0, trainEpochs: -1 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual(['evaluation.nonlinearLayers.0', 'evaluation.trainEpochs', 'evaluation.trainLimit']);
  });

  it('rejects invalid fields with their paths', () => {
    const result = parseRunConfig({
      kind: 'pipeline',
      data: { path: '' },
      clustering: { k: 1, iterations: 0 },
      pretext: { task: 'colorization' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.errors.map((e) => e.path).sort();
    expect(paths).toEqual(['clustering.iterations', 'clustering.k', 'data.path', 'pretext.task']);
    expect(result.errors.find((e) => e.path === 'data.path')?.message).toMatch(/dataset path is required/);
  });

  it('leaves evaluation.dense out unless given (stored configs hash as before), and checks it field by field', () => {
    const plain = runConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' } });
    expect(plain.kind === 'pipeline' && Object.keys(plain.evaluation)).not.toContain('dense');
    const given = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, evaluation: { protocols: ['detection', 'segmentation'], dense: { canvasSize: 64 } } });
    expect(given).toMatchObject({ ok: true, config: { evaluation: { dense: { modes: ['frozen', 'finetune'], canvasSize: 64, trainScenes: 1000, testScenes: 250 } } } });
    const bad = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, evaluation: { dense: { canvasSize: 100, modes: ['thawed'], scenes: 3 } } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => e.path).sort()).toEqual(['evaluation.dense.canvasSize', 'evaluation.dense.modes.0', 'evaluation.dense.scenes']);
    expect(bad.errors.find((e) => e.path === 'evaluation.dense.canvasSize')?.message).toMatch(/multiple of 16/);
  });

  it('names the known pretext tasks and evaluation protocols when a config names another', () => {
    const result = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, pretext: { task: 'colorization' }, evaluation: { protocols: ['linear', 'svm'] } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { path: 'pretext.task', message: expect.stringMatching(/"none".*"jigsaw".*"jigsaw\+\+".*"rotation"/) },
      { path: 'evaluation.protocols.1', message: expect.stringMatching(/"linear".*"nonlinear".*"finetune".*"knn"/) },
    ]);
  });

  it('takes a permutation file for the pretext, and refuses an empty path at its field', () => {
    const config = runConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' }, pretext: { permutations: 100, permutationsFile: ' ../shared/reference/permutations_100_max.bin ' } });
    expect(config.kind === 'pipeline' && config.pretext.permutationsFile).toBe('../shared/reference/permutations_100_max.bin');
    expect(runConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' } })).not.toHaveProperty('pretext.permutationsFile');
    expect(parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, pretext: { permutationsFile: ' ' } })).toEqual({
      ok: false,
      errors: [{ path: 'pretext.permutationsFile', message: 'a permutation file path is required (leave the field out to generate the set)' }],
    });
  });

  it('takes a permutation curriculum smaller than the set, and names its fields when it is not', () => {
    const config = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, pretext: { permutations: 701, permutationCurriculum: { permutations: 100, puzzles: 60_000 } } });
    expect(config.ok && config.config.kind === 'pipeline' && config.config.pretext.permutationCurriculum).toEqual({ permutations: 100, puzzles: 60_000 });
    expect(parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, pretext: { permutations: 100, permutationCurriculum: { permutations: 100, puzzles: 1 } } })).toEqual({
      ok: false,
      errors: [{ path: 'pretext.permutationCurriculum.permutations', message: 'must be smaller than pretext.permutations (100): the curriculum starts on a subset of the set' }],
    });
    const unknown = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, pretext: { permutationCurriculum: { permutations: 30, puzzles: 0, epochs: 2 } } });
    expect(unknown.ok === false && unknown.errors.map((e) => e.path).sort()).toEqual(['pretext.permutationCurriculum.epochs', 'pretext.permutationCurriculum.puzzles']);
  });

  it('rejects an unknown kind', () => {
    const result = parseRunConfig({ kind: 'magic' });
    expect(result.ok).toBe(false);
  });
});

describe('unknown keys', () => {
  it('are field errors at the key itself when a config is handed in, at every level', () => {
    const result = parseRunConfig({
      kind: 'pipeline',
      data: { path: '/d', limt: 10 },
      clustering: { kk: 50, data: { path: '/c', subest: 'first-half' } },
      evaluation: { test: { path: '/t', fromat: 'idx' } },
      pretext: { epoch: 3 },
      target: { epochs: 1, lr: 0.1 },
      pseudoLabels: { dat: { path: '/p' } },
      requirements: { minMemoryGb: 4 },
      sed: 3,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual([
      'clustering.data.subest',
      'clustering.kk',
      'data.limt',
      'evaluation.test.fromat',
      'pretext.epoch',
      'pseudoLabels.dat',
      'requirements.minMemoryGb',
      'sed',
      'target.lr',
    ]);
    expect(result.errors.find((e) => e.path === 'clustering.kk')?.message).toBe('unknown field "kk"');
    expect(parseRunConfig({ kind: 'smoke', step: 5 })).toMatchObject({ ok: false, errors: [{ path: 'step', message: 'unknown field "step"' }] });
  });

  it('are dropped when a stored config is read, so one written before a field was removed still reads', () => {
    const stored = { ...runConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' } }), retiredField: true, clustering: { k: 9, retiredToo: 1 } };
    const read = runConfigSchema.parse(stored);
    expect(read).not.toHaveProperty('retiredField');
    expect(read.kind === 'pipeline' && read.clustering.k).toBe(9);
  });

  it('the strict and the reading schema accept the same configs and give the same result (every preset, full and quick)', () => {
    for (const preset of presets) {
      for (const quick of [false, true]) {
        const built = preset.build({ data: { path: '/data/train' }, quick, seed: 3 });
        expect(runConfigInputSchema.parse(built), `${preset.id} quick=${quick}`).toEqual(runConfigSchema.parse(built));
        // a stored (parsed) config handed in again, as the launch form's clone and the publisher do
        const stored = JSON.parse(JSON.stringify(runConfigSchema.parse(built)));
        expect(runConfigInputSchema.safeParse(stored).success, `${preset.id} quick=${quick} stored`).toBe(true);
      }
    }
  });
});

describe('presets', () => {
  it('every preset builds a valid config, full and quick', () => {
    for (const preset of presets) {
      const data = { path: '/data/train' };
      for (const quick of [false, true]) {
        const result = parseRunConfig(preset.build({ data, quick, seed: 3 }));
        expect(result.ok, `${preset.id} quick=${quick}`).toBe(true);
      }
    }
  });

  it('quick variants are smaller than the full ones', () => {
    const full = presetConfig('cc-jigsaw++', { data: { path: '/d' } });
    const quick = presetConfig('cc-jigsaw++', { data: { path: '/d' }, quick: true });
    if (full.kind !== 'pipeline' || quick.kind !== 'pipeline') throw new Error('expected pipelines');
    expect(quick.pretext.epochs).toBeLessThan(full.pretext.epochs);
    expect(quick.data.limit).toBe(5_000);
    expect(full.data.limit).toBeUndefined();
  });

  it('presets evaluate with all four protocols; quick ones keep nonlinear and finetune small', () => {
    const full = presetConfig('cc-jigsaw++', { data: { path: '/d' } });
    const quick = presetConfig('cc-jigsaw++', { data: { path: '/d' }, quick: true });
    if (full.kind !== 'pipeline' || quick.kind !== 'pipeline') throw new Error('expected pipelines');
    expect([...full.evaluation.protocols].sort()).toEqual(['finetune', 'knn', 'linear', 'nonlinear']);
    expect([...quick.evaluation.protocols].sort()).toEqual(['finetune', 'knn', 'linear', 'nonlinear']);
    expect(quick.evaluation.layers).toEqual(full.evaluation.layers);
    expect(quick.evaluation.nonlinearLayers).toEqual(['conv3', 'conv5']);
    expect(quick.evaluation.trainEpochs).toBeLessThan(full.evaluation.trainEpochs);
    expect(quick.evaluation.trainLimit).toBeLessThanOrEqual(2_500);
  });

  it('presets name the released permutation files when asked, with the count those files hold', () => {
    const pretext = (id: string, options = {}) => {
      const config = presetConfig(id, { data: { path: '/d' }, referencePermutations: true, ...options });
      if (config.kind !== 'pipeline') throw new Error('expected a pipeline');
      return config.pretext;
    };
    expect(pretext('cc-jigsaw++')).toMatchObject({ permutations: 701, permutationsFile: '../shared/reference/permutations_701.bin' });
    expect(pretext('cc-vgg-jigsaw++', { quick: true, sharedDir: '/srv/shared/' })).toMatchObject({ permutations: 701, permutationsFile: '/srv/shared/reference/permutations_701.bin' });
    expect(pretext('jigsaw')).toMatchObject({ permutations: 100, permutationsFile: '../shared/reference/permutations_100_max.bin' });
    expect(pretext('cc-hog')).not.toHaveProperty('permutationsFile');
    const generated = presetConfig('cc-jigsaw++', { data: { path: '/d' } });
    expect(generated.kind === 'pipeline' && generated.pretext.permutationsFile).toBeUndefined();
  });

  it('the regression preset distils the VGG teacher', () => {
    const config = presetConfig('regression-vgg-jigsaw++', { data: { path: '/d' } });
    if (config.kind !== 'pipeline') throw new Error('expected a pipeline');
    expect(config.target.objective).toBe('regression');
    expect(config.pretext.arch).toBe('vgg');
  });

  it('preset ids are unique', () => {
    const ids = presets.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
