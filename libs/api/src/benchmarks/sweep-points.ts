/**
 * The rows of a sweep's benchmark table: its runs differ in the swept fields, so each run is labelled by the
 * config fields that vary across the sweep (`clustering.k = 50`), the seed left out so that a sweep's seeds of
 * one combination are averaged like a method's seeds.
 */
function leaves(value: unknown, prefix: string, out: Map<string, string>): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) leaves(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
}

/** Run id → its combination's label (`clustering.k = 50, target.epochs = 3`); '' for runs that differ only in seed. */
export function sweepPointLabels(runs: readonly { id: string; config: unknown }[]): Map<string, string> {
  const fields = runs.map((run) => {
    const out = new Map<string, string>();
    leaves(run.config, '', out);
    out.delete('seed');
    return out;
  });
  const paths = [...new Set(fields.flatMap((field) => [...field.keys()]))].sort();
  const varied = paths.filter((path) => new Set(fields.map((field) => field.get(path) ?? '(not set)')).size > 1);
  return new Map(runs.map((run, index) => [run.id, varied.map((path) => `${path} = ${fields[index].get(path) ?? '(not set)'}`).join(', ')]));
}
