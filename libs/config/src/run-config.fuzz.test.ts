/**
 * Config fuzz: valid configs with randomly chosen fields replaced by values of the wrong type or out of range.
 * Every invalid config is rejected, and the errors name exactly the fields that were broken.
 */
import { describe, expect, it } from 'vitest';
import { parseRunConfig, runConfigSchema } from './index';

/** A small seeded generator (mulberry32), so a failure replays. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Dotted paths of the leaves (numbers, strings, booleans, arrays) of a config. */
function leaves(value: Json, prefix: string[] = []): { path: string[]; value: Json }[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, child]) => leaves(child, [...prefix, key]));
  }
  return [{ path: prefix, value }];
}

/** Values no field of this type accepts. */
function wrongValues(value: Json): Json[] {
  if (typeof value === 'number') return ['12', null, true, [], { n: 1 }, -1e12];
  if (typeof value === 'string') return [42, null, false, ['x'], { s: value }];
  if (typeof value === 'boolean') return ['yes', 1, null];
  if (Array.isArray(value)) return ['conv1', 7, { 0: 'conv1' }, [{}]];
  return [];
}

function setPath(target: { [key: string]: Json }, path: string[], value: Json): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as { [key: string]: Json };
  node[path.at(-1)!] = value;
}

const base = (kind: 'pipeline' | 'smoke') =>
  JSON.parse(JSON.stringify(runConfigSchema.parse(kind === 'pipeline' ? { kind, data: { path: '/data/train' } } : { kind }))) as {
    [key: string]: Json;
  };

describe('run config fuzz', () => {
  it('rejects 600 generated invalid configs, each error naming exactly the broken fields', () => {
    const random = seeded(20180618);
    let checked = 0;
    for (let round = 0; round < 600; round++) {
      const kind = random() < 0.8 ? 'pipeline' : 'smoke';
      const config = base(kind);
      const candidates = leaves(config).filter(({ path }) => path[0] !== 'kind');
      const broken = new Map<string, Json>();
      const count = 1 + Math.floor(random() * 3);
      for (let i = 0; i < count; i++) {
        const field = candidates[Math.floor(random() * candidates.length)]!;
        const options = wrongValues(field.value);
        if (!options.length) continue;
        const value = options[Math.floor(random() * options.length)]!;
        setPath(config, field.path, value);
        broken.set(field.path.join('.'), value);
      }
      if (!broken.size) continue;
      const result = parseRunConfig(config);
      expect(result.ok, `round ${round}: ${JSON.stringify([...broken])}`).toBe(false);
      if (result.ok) continue;
      // every error points at (or inside) a broken field, and every broken field has an error
      const brokenPaths = [...broken.keys()];
      for (const error of result.errors) {
        expect(
          brokenPaths.some((path) => error.path === path || error.path.startsWith(`${path}.`)),
          `round ${round}: unexpected error at ${error.path}`,
        ).toBe(true);
        expect(error.message.length).toBeGreaterThan(0);
      }
      for (const path of brokenPaths) {
        expect(
          result.errors.some((error) => error.path === path || error.path.startsWith(`${path}.`)),
          `round ${round}: no error for ${path} = ${JSON.stringify(broken.get(path))}`,
        ).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('names the field for non-finite numbers, and for a config that is not an object at all', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const result = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, target: { learningRate: value } });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['target.learningRate']);
    }
    for (const input of [null, 42, 'pipeline', [], { kind: 'pipeline' }]) {
      const result = parseRunConfig(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
    }
  });
});
