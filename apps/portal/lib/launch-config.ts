/**
 * The launch form's rule for presets: a preset (or the Quick variant) fills only the fields the user has not
 * edited. The form records each edit as a dotted path and the value set there (`undefined`: an optional group
 * removed); applying a preset builds its config and puts those edits back on top.
 */
export type ConfigObject = Record<string, unknown>;
export type Edits = Record<string, unknown>;

function isObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** A copy of `root` with `value` at `path` (deleted when undefined); the parent objects must exist. */
export function setAt(root: ConfigObject, path: string, value: unknown): ConfigObject {
  const [head, ...rest] = path.split('.');
  const copy = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  copy[head] = setAt(isObject(root[head]) ? root[head] : {}, rest.join('.'), value);
  return copy;
}

/** Every leaf's dotted path (arrays are leaves: tuples and multi-choice fields are edited as one value). */
export function leafPaths(root: unknown, prefix = ''): string[] {
  if (!isObject(root)) return prefix ? [prefix] : [];
  return Object.entries(root).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key));
}

export interface AppliedPreset {
  config: ConfigObject;
  /** The edited paths put back over the preset's values (edits that do not apply to its kind are left out). */
  kept: string[];
  /** Leaf paths the preset changed: fields the user had not edited. */
  filled: string[];
}

/**
 * `built` (the preset's full config) with the user's `edits` put back. An edit whose parent does not exist in
 * the built config (a pipeline field while the preset is the smoke check) is left out, not lost: the form keeps
 * its edits, so switching back restores it. `topLevelKeys` are the fields the built config's kind accepts.
 */
export function applyPreset(previous: ConfigObject, built: ConfigObject, edits: Edits, topLevelKeys: readonly string[]): AppliedPreset {
  let config = built;
  const kept: string[] = [];
  const paths = Object.keys(edits).sort((a, b) => a.split('.').length - b.split('.').length || a.localeCompare(b));
  for (const path of paths) {
    const parent = path.includes('.') ? getAt(config, path.slice(0, path.lastIndexOf('.'))) : undefined;
    const applicable = path.includes('.') ? isObject(parent) : topLevelKeys.includes(path);
    if (!applicable) continue;
    kept.push(path);
    config = setAt(config, path, edits[path]);
  }
  const before = new Set(leafPaths(previous));
  const filled = leafPaths(config).filter((path) => {
    if (Object.keys(edits).some((edit) => path === edit || path.startsWith(`${edit}.`))) return false;
    return !before.has(path) || JSON.stringify(getAt(previous, path)) !== JSON.stringify(getAt(config, path));
  });
  return { config, kept, filled };
}

const KEPT_NAMED = 8;

/** The launch form's note after a preset or Quick change: what was filled, and which edits were kept. */
export function describeApplied(presetName: string, quick: boolean | undefined, applied: AppliedPreset, edits: Edits): string {
  const source = `${presetName}${quick === undefined ? '' : quick ? ' (quick)' : ' (full size)'}`;
  const filled = applied.filled.length === 0 ? 'changed no field' : `filled ${applied.filled.length} field${applied.filled.length === 1 ? '' : 's'} you had not edited`;
  // An imported file makes every field an edit: the note names the first few and counts the rest.
  const named = applied.kept.slice(0, KEPT_NAMED).map((path) => `${path} = ${edits[path] === undefined ? 'not set' : JSON.stringify(edits[path])}`);
  const more = applied.kept.length > KEPT_NAMED ? ` and ${applied.kept.length - KEPT_NAMED} more` : '';
  const kept = applied.kept.length === 0 ? '' : `; kept your edits: ${named.join(', ')}${more}`;
  return `${source} ${filled}${kept}.`;
}

/**
 * A text field's value for the config: an optional one left empty (`pretext.permutationsFile`) is left out, so
 * its absence applies instead of an empty path the schema refuses; a required one keeps what was typed.
 */
export function textFieldValue(text: string, optional: boolean): string | undefined {
  return optional && text.trim() === '' ? undefined : text;
}
