/**
 * `--set a.b=c` overrides of a run config, as VISSL and solo-learn take them: the value is JSON where it parses
 * (`10`, `true`, `[5,5]`, `"123"`), else the text itself (`jigsaw`, `../data/train`). Applied to the config as
 * handed in, before validation, so a misspelled field or a wrong type is a field error of the schema.
 */

export interface ConfigOverride {
  /** Dotted path, e.g. `pretext.epochs`. */
  path: string;
  value: unknown;
}

/** Keys that would reach an object's prototype instead of a config field. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

export class ConfigOverrideError extends Error {
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`--set ${argument}: ${reason}`);
    this.name = 'ConfigOverrideError';
  }
}

/** Parses one `path=value` argument. */
export function parseConfigOverride(argument: string): ConfigOverride {
  const at = argument.indexOf('=');
  if (at < 0) throw new ConfigOverrideError(argument, 'expected path=value, e.g. pretext.epochs=10');
  const path = argument.slice(0, at).trim();
  const text = argument.slice(at + 1);
  const segments = path.split('.');
  if (path === '' || segments.some((segment) => segment === '')) throw new ConfigOverrideError(argument, `"${path}" is not a dotted field path, e.g. clustering.k`);
  const forbidden = segments.find((segment) => FORBIDDEN_KEYS.has(segment));
  if (forbidden) throw new ConfigOverrideError(argument, `"${forbidden}" cannot be a config field`);
  return { path, value: parseOverrideValue(text) };
}

function parseOverrideValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of `config` with each override set in turn (later ones win). Missing objects on the way are created;
 * an array element is addressed by its index (`evaluation.layers.0=conv2`). Setting inside a value that is
 * neither an object nor an array is an error naming both paths.
 */
export function applyConfigOverrides(config: unknown, overrides: readonly ConfigOverride[]): Record<string, unknown> {
  const result: unknown = structuredClone(config ?? {});
  if (!isPlainObject(result)) throw new Error('a run config must be an object (a mapping of fields)');
  for (const { path, value } of overrides) {
    const segments = path.split('.');
    let node: Record<string, unknown> | unknown[] = result;
    for (let i = 0; i < segments.length; i++) {
      const key = segments[i];
      const last = i === segments.length - 1;
      if (Array.isArray(node)) {
        const index = Number(key);
        if (!Number.isInteger(index) || index < 0 || index > node.length) {
          throw new ConfigOverrideError(`${path}=…`, `${segments.slice(0, i).join('.')} is a list of ${node.length}; "${key}" is not an index into it (0..${node.length})`);
        }
        if (last) node[index] = value;
        else node = descend(node, index, path, segments, i);
      } else if (last) {
        node[key] = value;
      } else {
        node = descend(node, key, path, segments, i);
      }
    }
  }
  return result;
}

function descend(parent: Record<string, unknown> | unknown[], key: string | number, path: string, segments: string[], i: number): Record<string, unknown> | unknown[] {
  const container = parent as Record<string | number, unknown>;
  const child = container[key];
  if (child === undefined || child === null) {
    const created: Record<string, unknown> = {};
    container[key] = created;
    return created;
  }
  if (typeof child === 'object') return child as Record<string, unknown> | unknown[];
  const at = segments.slice(0, i + 1).join('.');
  throw new ConfigOverrideError(`${path}=…`, `${at} is ${JSON.stringify(child)}, not an object with fields`);
}
