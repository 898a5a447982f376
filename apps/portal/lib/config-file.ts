/**
 * The launch form's config files: the same YAML / JSON file as `ktlab config <preset>` prints and
 * `ktlab run --config <file>` / `ktlab submit --config <file>` read (a run config mapping, no method key), written
 * and read through @ktlab/config's config-text and validated by the schema the form and the API use.
 */
import { configFieldErrors, presetConfig, presets, runConfigInputSchema, runConfigSchema, type FieldError } from '@ktlab/config';
import { configFormatOf, formatConfigText, parseConfigText, type ConfigFormat } from '@ktlab/config/config-text';
import { getAt, leafPaths, type ConfigObject, type Edits } from './launch-config';

export interface ExportedConfig {
  fileName: string;
  text: string;
  mimeType: string;
}

/** The file name a run name gives (characters a file name should not hold become `-`). */
function baseName(name: string): string {
  const cleaned = name.trim().replace(/[^A-Za-z0-9._+-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return cleaned || 'run';
}

/** The form's config as a file: every field, as `ktlab config` writes it. */
export function exportConfigFile(config: ConfigObject, format: ConfigFormat, name: string): ExportedConfig {
  return {
    fileName: `${baseName(name)}.${format}`,
    text: formatConfigText(config, format),
    mimeType: format === 'json' ? 'application/json' : 'application/yaml',
  };
}

export type ImportedConfig =
  | {
      ok: true;
      config: ConfigObject;
      /** Every field of the file, as the user's edits: a preset or Quick leaves them as imported. */
      edits: Edits;
      /** The preset the file is closest to (fewest fields differing), and whether its Quick variant. */
      presetId: string;
      quick: boolean;
    }
  /** `error`: the file cannot be read as a config; `fieldErrors`: it can, and these fields are wrong. */
  | { ok: false; error: string; fieldErrors: FieldError[] };

/** How many leaves of `a` and `b` differ (either side missing counts). */
function distance(a: ConfigObject, b: ConfigObject): number {
  const paths = new Set([...leafPaths(a), ...leafPaths(b)]);
  return [...paths].filter((path) => JSON.stringify(getAt(a, path)) !== JSON.stringify(getAt(b, path))).length;
}

function buildPreset(presetId: string, quick: boolean, config: ConfigObject): ConfigObject {
  const data = getAt(config, 'data');
  // Defaults filled in, as the launch form builds a preset (and as an imported file is read).
  return runConfigSchema.parse(presetConfig(presetId, { data: (data ?? { path: '-' }) as { path: string }, quick, seed: Number(config.seed ?? 0) })) as ConfigObject;
}

/** Dotted paths of every object below the top level (`clustering.data`, `evaluation.test`). */
function groupPaths(root: unknown, prefix = ''): string[] {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return [];
  return Object.entries(root).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const isGroup = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isGroup ? [...(prefix ? [path] : []), ...groupPaths(value, path)] : [];
  });
}

/** The preset (and Quick or full size) whose config differs from `config` in the fewest fields; ties: the first listed. */
export function closestPreset(config: ConfigObject): { presetId: string; quick: boolean } {
  let best = { presetId: 'smoke', quick: true, distance: Number.POSITIVE_INFINITY };
  for (const preset of presets) {
    for (const quick of preset.needsData ? [true, false] : [true]) {
      const built = buildPreset(preset.id, quick, config);
      if (built.kind !== config.kind) continue;
      const d = distance(built, config);
      if (d < best.distance) best = { presetId: preset.id, quick, distance: d };
    }
  }
  return { presetId: best.presetId, quick: best.quick };
}

/**
 * A config file the user picked, checked as `ktlab run --config` checks it: the format by the file name, a
 * syntax error by its line, then every field by the schema (defaults filled in).
 */
export function importConfigFile(text: string, fileName: string): ImportedConfig {
  const format = configFormatOf(fileName);
  if (!format) return { ok: false, error: `${fileName}: unknown format; pick a .yaml, .yml or .json file (e.g. from \`ktlab config <preset>\`)`, fieldErrors: [] };
  let raw: Record<string, unknown>;
  try {
    raw = parseConfigText(text, format, fileName);
  } catch (error) {
    return { ok: false, error: (error as Error).message, fieldErrors: [] };
  }
  const parsed = runConfigInputSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = configFieldErrors(parsed.error);
    return { ok: false, error: `${fileName}: ${fieldErrors.length} field${fieldErrors.length === 1 ? ' is' : 's are'} not valid; nothing was changed`, fieldErrors };
  }
  const config = parsed.data as ConfigObject;
  const closest = closestPreset(config);
  // `kind` is the preset's to set: kept as an edit, a pipeline kind would be put over the worker check's fields.
  const leaves = leafPaths(config).filter((path) => path !== 'kind');
  // An optional group the closest preset does not have (clustering.data) is an edit of its own, as when the user
  // adds it in the form, so the fields inside it have a place under any preset.
  const reference = buildPreset(closest.presetId, closest.quick, config);
  const groups = groupPaths(config).filter((path) => typeof getAt(reference, path) !== 'object');
  const edits = Object.fromEntries([...groups, ...leaves].map((path) => [path, getAt(config, path)]));
  return { ok: true, config, edits, ...closest };
}
