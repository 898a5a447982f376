import { describe, expect, it } from 'vitest';
import { configFormatOf, formatConfigText, parseConfigText } from './config-text';
import { presetConfig, runConfigInputSchema } from './index';

describe('config text', () => {
  it('knows the format by the file name', () => {
    expect(configFormatOf('run.yaml')).toBe('yaml');
    expect(configFormatOf('RUN.YML')).toBe('yaml');
    expect(configFormatOf('a/run.json')).toBe('json');
    expect(configFormatOf('run.toml')).toBeUndefined();
  });

  it('reads YAML and JSON into the same config', () => {
    const yaml = 'kind: pipeline\ndata:\n  path: ../shared/datasets/cifar10/train\npretext:\n  epochs: 10\n  task: "no"\n';
    const json = '{"kind": "pipeline", "data": {"path": "../shared/datasets/cifar10/train"}, "pretext": {"epochs": 10, "task": "no"}}';
    expect(parseConfigText(yaml, 'yaml', 'run.yaml')).toEqual(parseConfigText(json, 'json', 'run.json'));
    // YAML 1.2: an unquoted no is the text "no", not false
    expect(parseConfigText('kind: no\n', 'yaml', 'a.yaml')).toEqual({ kind: 'no' });
  });

  it('names the line of a syntax error, and refuses a file that holds no mapping', () => {
    expect(() => parseConfigText('kind: pipeline\npretext:\n  epochs: 3\n   bad: x\n', 'yaml', 'run.yaml')).toThrow(/^run\.yaml: line 3, column 11: .* \(not valid YAML\)$/);
    expect(() => parseConfigText('kind: pipeline\nkind: smoke\n', 'yaml', 'run.yaml')).toThrow('run.yaml: line 2, column 1: Map keys must be unique (not valid YAML)');
    expect(() => parseConfigText('{\n  "kind": "pipeline",\n}\n', 'json', 'run.json')).toThrow(/^run\.json: line 3, column 1: .* \(not valid JSON\)$/);
    expect(() => parseConfigText('', 'yaml', 'empty.yaml')).toThrow('empty.yaml: holds nothing; a run config is a mapping of fields, e.g. kind: pipeline');
    expect(() => parseConfigText('- kind: pipeline\n', 'yaml', 'list.yaml')).toThrow('list.yaml: holds a list;');
    expect(() => parseConfigText('3', 'json', 'n.json')).toThrow('n.json: holds a number;');
  });

  it('writes a full config that reads back to itself, in both formats', () => {
    const config = presetConfig('cc-jigsaw++', { data: { path: '../shared/datasets/cifar10/train' }, quick: true, referencePermutations: true });
    for (const format of ['yaml', 'json'] as const) {
      const text = formatConfigText(config, format);
      expect(runConfigInputSchema.parse(parseConfigText(text, format, `c.${format}`)), format).toEqual(config);
    }
    expect(formatConfigText(config, 'yaml')).toMatch(/^kind: pipeline\n/);
    expect(formatConfigText(config, 'yaml')).toContain('  permutationsFile: ../shared/reference/permutations_701.bin\n');
  });
});
