import { presetConfig, runConfigInputSchema } from '@ktlab/config';
import { describe, expect, it } from 'vitest';
import { applyPreset, describeApplied, getAt, leafPaths, setAt, textFieldValue } from './launch-config';

const PIPELINE_KEYS = ['kind', 'seed', 'imageSize', 'data', 'pretext', 'clustering', 'pseudoLabels', 'target', 'evaluation', 'requirements'];
const SMOKE_KEYS = ['kind', 'seed', 'steps', 'batchSize', 'learningRate', 'stepDelayMs', 'requirements'];
const data = { path: '/data/imgs', format: 'folder' as const };
const config = (id: string, quick: boolean, seed = 0) => presetConfig(id, { data, quick, seed }) as Record<string, unknown>;

describe('launch form: presets fill only untouched fields', () => {
  it('puts the user’s edits back over the preset and reports what it filled', () => {
    const full = config('cc-jigsaw++', false);
    const edits = { 'pretext.epochs': 5, 'clustering.k': 50, seed: 7 };
    let edited = full;
    for (const [path, value] of Object.entries(edits)) edited = setAt(edited, path, value);
    const applied = applyPreset(edited, config('cc-jigsaw++', true), edits, PIPELINE_KEYS);
    expect(getAt(applied.config, 'pretext.epochs')).toBe(5);
    expect(getAt(applied.config, 'clustering.k')).toBe(50);
    expect(applied.config.seed).toBe(7);
    // what Quick changes and the user had not touched is filled
    expect(getAt(applied.config, 'target.epochs')).toBe(3);
    expect(applied.filled).toContain('target.epochs');
    expect(applied.filled).not.toContain('pretext.epochs');
    expect(applied.kept).toEqual(['seed', 'clustering.k', 'pretext.epochs']);
    expect(runConfigInputSchema.safeParse(applied.config).success).toBe(true);
    expect(describeApplied('CC+Jigsaw++', true, applied, edits)).toMatch(/^CC\+Jigsaw\+\+ \(quick\) filled \d+ fields you had not edited; kept your edits: seed = 7, clustering.k = 50, pretext.epochs = 5\.$/);
  });

  it('leaves out edits the preset’s kind has no place for, and applies them again on the way back', () => {
    const edits = { 'clustering.k': 50, seed: 3 };
    const smoke = applyPreset(config('cc-jigsaw++', true), presetConfig('smoke', { seed: 0 }) as Record<string, unknown>, edits, SMOKE_KEYS);
    expect(smoke.config).not.toHaveProperty('clustering');
    expect(smoke.config.seed).toBe(3);
    expect(runConfigInputSchema.safeParse(smoke.config).success).toBe(true);
    const back = applyPreset(smoke.config, config('jigsaw', true), edits, PIPELINE_KEYS);
    expect(getAt(back.config, 'clustering.k')).toBe(50);
  });

  it('keeps an optional group the user set, with the fields typed into it, and one the user removed', () => {
    const edits = { 'clustering.data': { path: '' }, 'clustering.data.path': '/other', 'evaluation.trainLimit': undefined };
    const applied = applyPreset(config('cc-hog', false), config('cc-hog', true), edits, PIPELINE_KEYS);
    expect(getAt(applied.config, 'clustering.data')).toEqual({ path: '/other' });
    expect(getAt(applied.config, 'evaluation')).not.toHaveProperty('trainLimit');
  });

  it('lists leaves with arrays as values', () => {
    expect(leafPaths({ a: { b: 1, c: [1, 2] }, d: 'x' })).toEqual(['a.b', 'a.c', 'd']);
  });
});

describe('launch form: text fields', () => {
  it('leaves an emptied optional text field out of the config, and keeps a required one as typed', () => {
    // pretext.permutationsFile: cleared means "generate the set", not an empty path the schema refuses.
    expect(textFieldValue('', true)).toBeUndefined();
    expect(textFieldValue('  ', true)).toBeUndefined();
    expect(textFieldValue('../shared/reference/permutations_701.bin', true)).toBe('../shared/reference/permutations_701.bin');
    // data.path, clustering.labelsFile.path: required, so an empty value stays and is reported at the field.
    expect(textFieldValue('', false)).toBe('');
    const cleared = setAt(config('jigsaw++', true), 'pretext.permutationsFile', textFieldValue('', true));
    expect(getAt(cleared, 'pretext.permutationsFile')).toBeUndefined();
    expect(runConfigInputSchema.safeParse(cleared).success).toBe(true);
    expect(runConfigInputSchema.safeParse(setAt(cleared, 'pretext.permutationsFile', '')).success).toBe(false);
  });
});
