/** A copy of `config` with the dotted `path` set to `value`; intermediate objects are created when absent. */
export function withConfigValue(config: unknown, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const base = (config && typeof config === 'object' && !Array.isArray(config) ? config : {}) as Record<string, unknown>;
  return { ...base, [head]: rest.length === 0 ? value : withConfigValue(base[head], rest.join('.'), value) };
}
