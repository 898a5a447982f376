/**
 * The fields in which run configs differ. Configs are flattened to dotted leaf paths (arrays are leaves:
 * `[3,3]` vs `[5,5]` is one difference, not two); a path missing from a config reads as `undefined`.
 */
export interface ConfigDifference {
  path: string;
  /** One value per config, in input order. */
  values: unknown[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function flattenConfig(config: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (!isPlainObject(config)) {
    if (prefix) into.set(prefix, config);
    return into;
  }
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) flattenConfig(value, path, into);
    else into.set(path, value);
  }
  return into;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

export function diffConfigs(configs: unknown[]): ConfigDifference[] {
  const flat = configs.map((config) => flattenConfig(config));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const map of flat) {
    for (const path of map.keys()) {
      if (seen.has(path)) continue;
      seen.add(path);
      paths.push(path);
    }
  }
  return paths
    .map((path) => ({ path, values: flat.map((map) => map.get(path)) }))
    .filter(({ values }) => values.some((value) => !sameValue(value, values[0])));
}
