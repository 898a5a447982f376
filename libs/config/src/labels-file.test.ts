import { describe, expect, it } from 'vitest';
import { applyConfigOverrides, parseConfigOverride } from './config-overrides';
import { fileFields } from './dataset-fields';
import { presetConfig } from './presets';
import { parseRunConfig, runConfigSchema } from './run-config';

const data = { path: '/d' };

describe('clustering.source "file"', () => {
  it('takes a labels file, format auto by default', () => {
    const config = runConfigSchema.parse({ kind: 'pipeline', data, clustering: { source: 'file', labelsFile: { path: ' runs/a/labels.csv ' } } });
    expect(config.kind === 'pipeline' && config.clustering.labelsFile).toEqual({ path: 'runs/a/labels.csv', format: 'auto' });
  });

  it('needs the file with source "file" and refuses it with any other source, at the field', () => {
    expect(parseRunConfig({ kind: 'pipeline', data, clustering: { source: 'file' } })).toEqual({
      ok: false,
      errors: [{ path: 'clustering.labelsFile', message: 'required when clustering.source is "file"' }],
    });
    expect(parseRunConfig({ kind: 'pipeline', data, clustering: { source: 'hog', labelsFile: { path: 'l.csv' } } })).toEqual({
      ok: false,
      errors: [{ path: 'clustering.labelsFile', message: 'only read when clustering.source is "file"' }],
    });
  });

  it('refuses target.objective "regression" with labels from a file (no teacher features), at the field', () => {
    const input = { kind: 'pipeline', data, clustering: { source: 'file', labelsFile: { path: 'labels.csv' } }, target: { objective: 'regression' } };
    const parsed = parseRunConfig(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([expect.objectContaining({ path: 'target.objective', message: expect.stringContaining('pseudo-labels only') })]);
    expect(parseRunConfig({ ...input, target: { objective: 'cluster-classification' } }).ok).toBe(true);
    expect(parseRunConfig({ ...input, clustering: { source: 'hog' } }).ok).toBe(true);
  });

  it('refuses unknown keys and an empty path inside the labels file (input schema)', () => {
    const result = parseRunConfig({ kind: 'pipeline', data, clustering: { source: 'file', labelsFile: { path: ' ', fromat: 'csv' } } });
    expect(result.ok === false && result.errors).toEqual(
      expect.arrayContaining([
        { path: 'clustering.labelsFile.path', message: 'a labels file path is required' },
        { path: 'clustering.labelsFile.fromat', message: 'unknown field "fromat"' },
      ]),
    );
  });
});

describe('fileFields with a labels file', () => {
  it('lists the labels file and its image list, each at its field, so they are checked against the dataset roots', () => {
    const config = runConfigSchema.parse({ kind: 'pipeline', data, clustering: { source: 'file', labelsFile: { path: 'l.npy', imageList: 'images.txt' } } });
    expect(fileFields(config)).toEqual([
      { field: 'clustering.labelsFile.path', path: 'l.npy' },
      { field: 'clustering.labelsFile.imageList', path: 'images.txt' },
    ]);
  });
});

describe('a labels file from the command line (--set)', () => {
  it('switches a preset to labels from a file with two --set overrides, and names the missing file at its field', () => {
    const base = presetConfig('cc-hog', { data });
    const set = (...args: string[]) => parseRunConfig(applyConfigOverrides(base, args.map(parseConfigOverride)));
    const result = set('clustering.source=file', 'clustering.labelsFile.path=released/labels.csv');
    expect(result.ok && result.config.kind === 'pipeline' && result.config.clustering).toMatchObject({ source: 'file', labelsFile: { path: 'released/labels.csv', format: 'auto' } });
    expect(set('clustering.source=file')).toEqual({ ok: false, errors: [{ path: 'clustering.labelsFile', message: 'required when clustering.source is "file"' }] });
  });
});
