import { describe, expect, it } from 'vitest';
import { applyConfigOverrides, parseConfigOverride, parseRunConfig } from './index';

describe('parseConfigOverride', () => {
  it('reads the value as JSON where it parses, else as the text itself', () => {
    expect(parseConfigOverride('pretext.epochs=10')).toEqual({ path: 'pretext.epochs', value: 10 });
    expect(parseConfigOverride('target.classBalanced=false')).toEqual({ path: 'target.classBalanced', value: false });
    expect(parseConfigOverride('clustering.grid=[5,5]')).toEqual({ path: 'clustering.grid', value: [5, 5] });
    expect(parseConfigOverride('pretext.task=jigsaw')).toEqual({ path: 'pretext.task', value: 'jigsaw' });
    expect(parseConfigOverride('data.path="123"')).toEqual({ path: 'data.path', value: '123' });
    // only the first = separates the path from the value
    expect(parseConfigOverride('data.path=/data/a=b')).toEqual({ path: 'data.path', value: '/data/a=b' });
    expect(parseConfigOverride('data.path=')).toEqual({ path: 'data.path', value: '' });
  });

  it('refuses an argument without a value, an empty segment and prototype keys, naming the argument', () => {
    expect(() => parseConfigOverride('pretext.epochs')).toThrow('--set pretext.epochs: expected path=value, e.g. pretext.epochs=10');
    expect(() => parseConfigOverride('pretext..epochs=3')).toThrow('--set pretext..epochs=3: "pretext..epochs" is not a dotted field path');
    expect(() => parseConfigOverride('=3')).toThrow(/is not a dotted field path/);
    expect(() => parseConfigOverride('__proto__.polluted=1')).toThrow('--set __proto__.polluted=1: "__proto__" cannot be a config field');
    expect(() => parseConfigOverride('pretext.constructor.prototype=1')).toThrow(/"constructor" cannot be a config field/);
  });
});

describe('applyConfigOverrides', () => {
  const base = { kind: 'pipeline', data: { path: '/d' }, pretext: { epochs: 30, task: 'jigsaw++' }, evaluation: { layers: ['conv1', 'conv5'] } };

  it('sets nested fields, creating the objects on the way, without touching the input', () => {
    const result = applyConfigOverrides(base, [
      parseConfigOverride('pretext.epochs=10'),
      parseConfigOverride('clustering.k=100'),
      parseConfigOverride('evaluation.layers.1=conv4'),
      parseConfigOverride('pretext.epochs=12'),
    ]);
    expect(result).toEqual({ ...base, pretext: { epochs: 12, task: 'jigsaw++' }, clustering: { k: 100 }, evaluation: { layers: ['conv1', 'conv4'] } });
    expect(base.pretext.epochs).toBe(30);
    expect(parseRunConfig(result)).toMatchObject({ ok: true, config: { pretext: { epochs: 12 }, clustering: { k: 100 } } });
  });

  it('refuses to set inside a scalar or past the end of a list', () => {
    expect(() => applyConfigOverrides(base, [parseConfigOverride('pretext.epochs.max=3')])).toThrow('--set pretext.epochs.max=…: pretext.epochs is 30, not an object with fields');
    expect(() => applyConfigOverrides(base, [parseConfigOverride('evaluation.layers.5=conv2')])).toThrow(/evaluation\.layers is a list of 2; "5" is not an index into it/);
  });

  it('leaves the schema to judge the fields: a misspelled one or a wrong type is a field error at its path', () => {
    const result = parseRunConfig(applyConfigOverrides(base, [parseConfigOverride('pretext.epoch=3'), parseConfigOverride('clustering.k=many')]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { path: 'pretext.epoch', message: 'unknown field "epoch"' },
      { path: 'clustering.k', message: expect.stringMatching(/expected number, received string/) },
    ]);
  });
});
