/**
 * Runs that are seeds of one config: the same method and the same config apart from `seed` (and the worker
 * requirements, which choose where a run executes, not what it computes). Compare reports their mean ± std.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export function seedGroupKey(method: string, config: unknown): string {
  const { seed: _seed, requirements: _requirements, ...rest } = (config ?? {}) as Record<string, unknown>;
  return JSON.stringify([method, canonical(rest)]);
}

/** Groups of two or more of these runs that differ only in their seed, in the order of their first run. */
export function seedGroups(runs: readonly { id: string; method: string; config: unknown }[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const run of runs) {
    const key = seedGroupKey(run.method, run.config);
    groups.set(key, [...(groups.get(key) ?? []), run.id]);
  }
  return [...groups.values()].filter((ids) => ids.length > 1);
}
