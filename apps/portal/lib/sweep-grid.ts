/**
 * The launch form's grid sweeps: several fields, each with comma-separated values, one run per combination
 * (the API's `runs.createSweep` axes). Parsed and checked here as the API will check them, so the form shows the
 * run count and each axis's error before anything is sent.
 */
import {
  configFieldErrors,
  runConfigInputSchema,
  sweepAxesIssues,
  sweepAxisSchema,
  sweepCombinations,
  sweepFieldSchema,
  sweepValueLabel,
  type FieldError,
  type SweepAxis,
  type SweepValue,
} from '@ktlab/config';
import { getAt, leafPaths, setAt, type ConfigObject } from './launch-config';

/** One swept field as typed on the form. */
export interface SweepAxisDraft {
  /** Dotted config path, e.g. `clustering.k`, `seed` or `pseudoLabels.data`. */
  field: string;
  /** Comma-separated values as typed. */
  values: string;
}

export interface SweepDraft {
  enabled: boolean;
  axes: SweepAxisDraft[];
}

/** Fields whose value is a whole dataset (`{ path, format, subset, limit }`); keep in step with datasetFields. */
export const DATASET_SWEEP_FIELDS = ['data', 'clustering.data', 'pseudoLabels.data', 'evaluation.train', 'evaluation.test'] as const;
export const DATASET_SUBSETS = ['all', 'first-half', 'second-half'] as const;

export function isDatasetField(field: string): boolean {
  return (DATASET_SWEEP_FIELDS as readonly string[]).includes(field.trim());
}

function isSubset(text: string): boolean {
  return (DATASET_SUBSETS as readonly string[]).includes(text);
}

/**
 * A dataset value as typed: `first-half` / `second-half` / `all` (that part of the run's training data), `<folder>`
 * (that folder whole) or `<folder>#<subset>`. The training data's format and image limit carry over, so a quick
 * run's halves stay quick.
 */
export function parseDatasetValue(text: string, runData: unknown): { value: Record<string, unknown> } | { error: string } {
  const base = (runData && typeof runData === 'object' ? runData : {}) as Record<string, unknown>;
  const hash = text.lastIndexOf('#');
  let path = text;
  let subset = 'all';
  if (hash >= 0) {
    path = text.slice(0, hash).trim();
    subset = text.slice(hash + 1).trim();
    if (!isSubset(subset)) return { error: `"${subset}" in "${text}" is not a subset (${DATASET_SUBSETS.join(', ')})` };
  } else if (isSubset(text)) {
    path = '';
    subset = text;
  }
  if (!path) {
    if (typeof base.path !== 'string' || !base.path.trim()) return { error: `"${text}" is a part of the training data: set the training images first` };
    path = base.path;
  }
  const carried = Object.fromEntries(Object.entries(base).filter(([key, value]) => (key === 'format' || key === 'limit') && value !== undefined));
  return { value: { path, ...carried, subset } };
}

/** How a scalar value may be read, most specific first: a number or boolean when it reads as one, else text. */
function scalarCandidates(text: string): SweepValue[] {
  const candidates: SweepValue[] = [];
  if (text === 'true' || text === 'false') candidates.push(text === 'true');
  else if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) candidates.push(Number(text));
  candidates.push(text);
  return candidates;
}

function related(errorPath: string, field: string): boolean {
  return errorPath === field || errorPath.startsWith(`${field}.`) || field.startsWith(`${errorPath}.`);
}

/** Why `config` with `field` set to `value` is refused at that field (errors elsewhere in the config are the form's). */
function valueError(config: ConfigObject, field: string, value: SweepValue): string | undefined {
  const result = runConfigInputSchema.safeParse(setAt(config, field, value));
  if (result.success) return undefined;
  const error = configFieldErrors(result.error).find((e) => related(e.path, field));
  return error && `${field} = ${sweepValueLabel(value)}: ${error.path}: ${error.message}`;
}

export interface ParsedSweep {
  /** The axes as the API takes them (values read from the text). */
  axes: SweepAxis[];
  /** Per axis: why it cannot be swept, or undefined. */
  axisErrors: (string | undefined)[];
  /** Per axis: each value as run names show it. */
  labels: string[][];
  /** Per axis: how many values were typed (counted even when the axis has an error). */
  valueCounts: number[];
  /** Runs the sweep makes: the product of the value counts. */
  count: number;
  /** The first reason the sweep cannot be launched (an axis error, over the cap, a combination the config refuses). */
  error?: string;
  /** Set when the sweep makes more than MAX_SWEEP_RUNS runs: says how many. */
  capError?: string;
}

/**
 * Reads and checks the sweep against the form's `config`: each field is a dotted config path, each value valid
 * there (a value that reads as a number is sent as one unless the field wants text), no value twice, no field
 * swept twice or inside another, at most MAX_SWEEP_RUNS runs; when all that holds, every combination is checked
 * as the API checks it.
 */
export function parseSweep(draft: SweepDraft, config: ConfigObject): ParsedSweep {
  const axisErrors: (string | undefined)[] = [];
  const typedCounts: number[] = [];
  const axes: SweepAxis[] = draft.axes.map((axisDraft, index) => {
    const field = axisDraft.field.trim();
    const parts = axisDraft.values.split(',').map((p) => p.trim()).filter(Boolean);
    typedCounts.push(parts.length);
    const fieldCheck = sweepFieldSchema.safeParse(field);
    if (!fieldCheck.success) {
      axisErrors[index] = fieldCheck.error.issues[0].message;
      return { field, values: [] };
    }
    if (parts.length === 0) {
      axisErrors[index] = 'give at least one value';
      return { field, values: [] };
    }
    const values: SweepValue[] = [];
    for (const part of parts) {
      let candidates: SweepValue[];
      if (isDatasetField(field)) {
        const dataset = parseDatasetValue(part, config.data);
        if ('error' in dataset) {
          axisErrors[index] = dataset.error;
          return { field, values };
        }
        candidates = [dataset.value];
      } else candidates = scalarCandidates(part);
      const errors = candidates.map((candidate) => valueError(config, field, candidate));
      const ok = errors.findIndex((e) => e === undefined);
      if (ok < 0) {
        axisErrors[index] = errors[0];
        return { field, values };
      }
      values.push(candidates[ok]);
    }
    const axisCheck = sweepAxisSchema.safeParse({ field, values });
    if (!axisCheck.success) axisErrors[index] = axisCheck.error.issues[0].message;
    return { field, values };
  });

  const counted = axes.map((axis, i) => ({ field: axis.field, values: Array.from({ length: typedCounts[i] }) }));
  const issues = sweepAxesIssues(counted);
  for (const issue of issues) {
    const index = issue.path[0];
    if (typeof index === 'number' && !axisErrors[index]) axisErrors[index] = issue.message;
  }
  const count = typedCounts.reduce((product, n) => product * n, 1);
  const capError = issues.find((issue) => issue.path.length === 0)?.message;
  let error = axisErrors.find(Boolean) ?? capError;
  if (!error && runConfigInputSchema.safeParse(config).success) {
    // Values valid one at a time may still clash together (clustering.source = file with no labels file).
    for (const combination of sweepCombinations(axes)) {
      const result = runConfigInputSchema.safeParse(combination.reduce<ConfigObject>((acc, { field, value }) => setAt(acc, field, value), config));
      if (result.success) continue;
      const [first] = configFieldErrors(result.error);
      const at = combination.map(({ field, value }) => `${field} = ${sweepValueLabel(value)}`).join(', ');
      error = `${at}: ${first.path}: ${first.message}`;
      const index = axes.findIndex((axis) => related(first.path, axis.field));
      if (index >= 0) axisErrors[index] = error;
      break;
    }
  }
  return { axes, axisErrors, labels: axes.map((axis) => axis.values.map(sweepValueLabel)), valueCounts: typedCounts, count, error, capError };
}

/** The first run's name, as the API names runs: `<name>-<value>[-<value>…]`. */
export function firstRunName(name: string, parsed: ParsedSweep): string {
  return [name, ...parsed.labels.map((labels) => labels[0] ?? '…')].join('-');
}

/**
 * The paper's Table 2 (domain): cluster on half A of the training data; pseudo-label half A, half B, and the test
 * images when the form knows where they are (the evaluation test set, or a `test` folder beside a `train` one).
 */
export function table2Axes(config: ConfigObject): SweepAxisDraft[] {
  const evaluationTest = getAt(config, 'evaluation.test.path');
  const dataPath = getAt(config, 'data.path');
  const sibling = typeof dataPath === 'string' && /(^|[\\/])train[\\/]*$/.test(dataPath) ? dataPath.replace(/train([\\/]*)$/, 'test$1') : undefined;
  const testPath = typeof evaluationTest === 'string' && evaluationTest.trim() ? evaluationTest : sibling;
  return [
    { field: 'clustering.data', values: 'first-half' },
    { field: 'pseudoLabels.data', values: ['first-half', 'second-half', ...(testPath ? [testPath] : [])].join(', ') },
  ];
}

const SUGGESTED_FIELDS = ['seed', 'clustering.k', 'data.subset', 'clustering.data', 'pseudoLabels.data', 'clustering.layer', 'pretext.learningRate', 'target.epochs'];

/** Fields to offer in the field box: the usual ones first (pipeline runs), then every field of the current config. */
export function sweepFieldSuggestions(config: ConfigObject): string[] {
  const own = leafPaths(config).filter((path) => path !== 'kind' && !path.startsWith('requirements.'));
  return [...new Set([...(config.kind === 'pipeline' ? SUGGESTED_FIELDS : ['seed']), ...own])];
}

/**
 * Where the API's refusal of a sweep belongs on the form: `axes.<i>.…` beside that axis; `config.<field>` beside
 * the axis that sweeps that field (a swept folder outside the dataset roots), else beside the config field (as for
 * one run); anything else (`axes`: over the cap) above the launch button.
 */
export function sweepServerErrors(
  fieldErrors: readonly FieldError[],
  axes: readonly { field: string }[],
): { axisErrors: Record<number, string>; configErrors: FieldError[]; general: string[] } {
  const axisErrors: Record<number, string> = {};
  const configErrors: FieldError[] = [];
  const general: string[] = [];
  for (const { path, message } of fieldErrors) {
    const axis = /^axes\.(\d+)(\.|$)/.exec(path);
    if (axis) {
      axisErrors[Number(axis[1])] ??= message;
      continue;
    }
    if (!path.startsWith('config.')) {
      general.push(message);
      continue;
    }
    const field = path.slice('config.'.length);
    const swept = axes.findIndex((a) => related(field, a.field.trim()));
    if (swept >= 0) axisErrors[swept] ??= `${field}: ${message}`;
    else configErrors.push({ path: field, message });
  }
  return { axisErrors, configErrors, general };
}
