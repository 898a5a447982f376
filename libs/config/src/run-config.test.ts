import { describe, expect, it } from 'vitest';
import { parseRunConfig, presetConfig, presets, runConfigSchema } from './index';

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
  });

  it('rejects invalid fields with their paths', () => {
    const result = parseRunConfig({
      kind: 'pipeline',
      data: { path: '' },
      clustering: { k: 1, iterations: 0 },
      pretext: { task: 'rotation' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.errors.map((e) => e.path).sort();
    expect(paths).toEqual(['clustering.iterations', 'clustering.k', 'data.path', 'pretext.task']);
    expect(result.errors.find((e) => e.path === 'data.path')?.message).toMatch(/dataset path is required/);
  });

  it('rejects an unknown kind', () => {
    const result = parseRunConfig({ kind: 'magic' });
    expect(result.ok).toBe(false);
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

  it('preset ids are unique', () => {
    const ids = presets.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
