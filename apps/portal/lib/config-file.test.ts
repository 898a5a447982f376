import { presetConfig, runConfigInputSchema, runConfigSchema } from '@ktlab/config';
import { parseConfigText } from '@ktlab/config/config-text';
import { describe, expect, it } from 'vitest';
import { closestPreset, exportConfigFile, importConfigFile } from './config-file';
import { applyPreset, describeApplied, getAt, setAt } from './launch-config';

const PIPELINE_KEYS = ['kind', 'seed', 'imageSize', 'data', 'pretext', 'clustering', 'pseudoLabels', 'target', 'evaluation', 'requirements'];
const data = { path: '/data/imgs', format: 'folder' as const };
// As the launch form builds a preset: defaults filled in.
const build = (id: string, quick: boolean) => runConfigSchema.parse(presetConfig(id, { data, quick, seed: 0 })) as Record<string, unknown>;

describe('launch form: config files', () => {
  it('exports the form’s config as the file `ktlab run --config` reads (YAML and JSON), named after the run', () => {
    const config = setAt(build('cc-jigsaw++', true), 'clustering.k', 50);
    const yaml = exportConfigFile(config, 'yaml', 'my run/1');
    expect(yaml.fileName).toBe('my-run-1.yaml');
    expect(yaml.mimeType).toBe('application/yaml');
    expect(yaml.text).toMatch(/^kind: pipeline\n/);
    expect(yaml.text).toContain('\n  k: 50\n');
    const json = exportConfigFile(config, 'json', '');
    expect(json.fileName).toBe('run.json');
    // What the CLI does with --config: parseConfigText, then the same schema (cli-config.ts resolveCliConfig).
    for (const file of [yaml, json]) {
      const read = runConfigInputSchema.parse(parseConfigText(file.text, file.fileName.endsWith('.json') ? 'json' : 'yaml', file.fileName));
      expect(read).toEqual(config);
    }
  });

  it('imports a file back to the same config, every field counted as an edit, with the closest preset picked', () => {
    const config = setAt(setAt(build('cc-jigsaw++', false), 'clustering.k', 50), 'seed', 7);
    const imported = importConfigFile(exportConfigFile(config, 'yaml', 'x').text, 'x.yaml');
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.config).toEqual(config);
    expect(imported.presetId).toBe('cc-jigsaw++');
    expect(imported.quick).toBe(false);
    expect(imported.edits['clustering.k']).toBe(50);
    expect(imported.edits.seed).toBe(7);
    expect(imported.edits).not.toHaveProperty('kind');
    // Quick keeps every imported value; it fills only what the file left out (the quick variant's data.limit).
    const quick = applyPreset(imported.config, build('cc-jigsaw++', true), imported.edits, PIPELINE_KEYS);
    for (const [path, value] of Object.entries(imported.edits)) expect(getAt(quick.config, path), path).toEqual(value);
    expect(getAt(quick.config, 'target.epochs')).toBe(getAt(config, 'target.epochs'));
    expect(quick.filled).toEqual(['data.limit', 'evaluation.nonlinearLayers', 'evaluation.trainLimit']);
    const note = describeApplied('CC+Jigsaw++', true, quick, imported.edits);
    expect(note).toMatch(/^CC\+Jigsaw\+\+ \(quick\) filled 3 fields you had not edited; kept your edits: imageSize = 32, seed = 7, .* and \d+ more\.$/);
    expect(note.split(' = ')).toHaveLength(9);
  });

  it('keeps an optional group the file sets through a preset that lacks it', () => {
    const config = setAt(build('cc-hog', true), 'clustering.data', { path: '/other' });
    const imported = importConfigFile(JSON.stringify(config), 'c.json');
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.edits['clustering.data']).toEqual({ path: '/other', format: 'folder', subset: 'all' });
    const applied = applyPreset(imported.config, build('jigsaw', true), imported.edits, PIPELINE_KEYS);
    expect(getAt(applied.config, 'clustering.data')).toEqual({ path: '/other', format: 'folder', subset: 'all' });
  });

  it('picks the worker check for a smoke config and the quick variant for a quick one', () => {
    expect(closestPreset(presetConfig('smoke', { seed: 3 }) as Record<string, unknown>)).toEqual({ presetId: 'smoke', quick: true });
    expect(closestPreset(build('jigsaw++', true))).toEqual({ presetId: 'jigsaw++', quick: true });
  });

  it('refuses a file it cannot read with the line, and an invalid one field by field, changing nothing', () => {
    expect(importConfigFile('kind: pipeline\n', 'run.toml')).toEqual({ ok: false, error: expect.stringMatching(/^run\.toml: unknown format/), fieldErrors: [] });
    const syntax = importConfigFile('kind: pipeline\nkind: smoke\n', 'run.yaml');
    expect(syntax).toEqual({ ok: false, error: 'run.yaml: line 2, column 1: Map keys must be unique (not valid YAML)', fieldErrors: [] });
    const bad = setAt(setAt(build('cc-jigsaw++', true), 'clustering.k', 0), 'pretext.nope', 1);
    const invalid = importConfigFile(JSON.stringify(bad), 'bad.json');
    if (invalid.ok) throw new Error('accepted an invalid config');
    expect(invalid.error).toBe('bad.json: 2 fields are not valid; nothing was changed');
    expect(invalid.fieldErrors.map((e) => e.path).sort()).toEqual(['clustering.k', 'pretext.nope']);
  });
});
