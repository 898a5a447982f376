/**
 * The runs table's filter box and columns. Filters: comma-separated `field op value`, where field is
 * `eval.<protocol>.<layer>[.<metric>]` (layer `best`: the best over layers; ops > >= < <= =; accuracies as
 * fractions or with %) or a config field (`clustering.k=1000`, optionally written `config.clustering.k`; op =).
 * Columns: `eval.<protocol>.<layer>`, `config.<path>`, `metric.<logged key>` (its last value) or `dataset`. Anything else is an error naming the term.
 */
import { DENSE_MODE_LAYER, EVAL_PROTOCOLS, pipelineConfigSchema, smokeConfigSchema } from '@ktlab/config';
import { z } from 'zod';

/** What an eval field may name as its layer: a conv layer, a dense mode's row (`frozen`; `all` is finetune's too), or `best`. */
const CONV_LAYER = /^conv[1-5]$/;
const OTHER_LAYERS: readonly string[] = [...new Set([...Object.values(DENSE_MODE_LAYER), 'all']), 'best'];
const EVAL_OPS = ['>', '>=', '<', '<=', '='] as const;
type EvalOp = (typeof EVAL_OPS)[number];

export interface EvalField {
  protocol: string;
  layer: string;
  metric: string;
}
export interface EvalFilter extends EvalField {
  op: EvalOp;
  value: number;
}
export interface ConfigFilter {
  path: string;
  value: string | number | boolean;
}
export interface ParsedRunFilter {
  config: ConfigFilter[];
  evals: EvalFilter[];
  /** The first term that is not a valid filter, and why. */
  error?: string;
}

interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  anyOf?: JsonSchemaNode[];
}

function leafPaths(schema: JsonSchemaNode, prefix: string, out: Set<string>): void {
  const object = schema.type === 'object' ? schema : schema.anyOf?.find((s) => s.type === 'object');
  if (!object?.properties) {
    if (prefix) out.add(prefix);
    return;
  }
  for (const [key, child] of Object.entries(object.properties)) leafPaths(child, prefix ? `${prefix}.${key}` : key, out);
}

/** Every config field a filter or column may name (pipeline and smoke configs). */
export const CONFIG_FIELDS: ReadonlySet<string> = (() => {
  const out = new Set<string>();
  for (const schema of [pipelineConfigSchema, smokeConfigSchema]) leafPaths(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode, '', out);
  return out;
})();

function parseScalar(raw: string): string | number | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw.replace(/^["'](.*)["']$/, '$1');
}

/** `eval.linear.conv3[.top1]` → the eval field, or an error message. */
export function parseEvalField(field: string): EvalField | string {
  const parts = field.split('.');
  if (parts[0] !== 'eval' || parts.length < 3 || parts.length > 4) return `“${field}”: write eval.<protocol>.<layer>, e.g. eval.linear.conv3 or eval.linear.best`;
  const [, protocol, layer, metric = 'top1'] = parts;
  if (!(EVAL_PROTOCOLS as readonly string[]).includes(protocol)) return `“${field}”: unknown protocol “${protocol}” (one of ${EVAL_PROTOCOLS.join(', ')})`;
  if (!CONV_LAYER.test(layer) && !OTHER_LAYERS.includes(layer)) return `“${field}”: unknown layer “${layer}” (conv1…conv5, ${OTHER_LAYERS.slice(0, -1).join(', ')} or best)`;
  return { protocol, layer, metric };
}

/** A config field as a filter or column names it (`config.` prefix optional), or an error message. */
export function parseConfigField(field: string): string | { error: string } {
  const path = field.startsWith('config.') ? field.slice('config.'.length) : field;
  if (CONFIG_FIELDS.has(path)) return path;
  const near = [...CONFIG_FIELDS].find((candidate) => candidate.startsWith(`${path}.`));
  const hint = path.startsWith('evaluation.') || path.startsWith('eval') ? ' — evaluation results are eval.<protocol>.<layer>, e.g. eval.linear.conv3' : near ? `, e.g. ${near}` : '';
  return { error: `“${field}” is not a config field${hint}` };
}

export function parseRunFilter(text: string): ParsedRunFilter {
  const parsed: ParsedRunFilter = { config: [], evals: [] };
  for (const term of text.split(',').map((t) => t.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*(>=|<=|!=|=|>|<)\s*(.*)$/.exec(term);
    if (!match) return { ...parsed, error: `“${term}” is not field op value (e.g. eval.linear.conv3>0.5 or clustering.k=1000)` };
    const [, field, op, rawValue] = match;
    const raw = rawValue.trim();
    if (raw === '') return { ...parsed, error: `“${term}”: no value after ${op}` };
    if (field.startsWith('eval.') || field === 'eval') {
      const evalField = parseEvalField(field);
      if (typeof evalField === 'string') return { ...parsed, error: evalField };
      if (!(EVAL_OPS as readonly string[]).includes(op)) return { ...parsed, error: `“${term}”: compare results with > >= < <= or =` };
      const percent = raw.endsWith('%');
      const value = Number(percent ? raw.slice(0, -1) : raw) / (percent ? 100 : 1);
      if (!Number.isFinite(value)) return { ...parsed, error: `“${term}”: “${raw}” is not a number` };
      if (!percent && value > 1 && evalField.metric.startsWith('top')) return { ...parsed, error: `“${term}”: accuracies are fractions — write ${value / 100} or ${raw}%` };
      parsed.evals.push({ ...evalField, op: op as EvalOp, value });
      continue;
    }
    const path = parseConfigField(field);
    if (typeof path !== 'string') return { ...parsed, error: path.error };
    if (op !== '=') return { ...parsed, error: `“${term}”: config fields are matched with = only` };
    parsed.config.push({ path, value: parseScalar(raw) });
  }
  return parsed;
}

export type RunColumn =
  | { kind: 'eval'; id: string; field: EvalField }
  | { kind: 'config'; id: string; path: string }
  | { kind: 'metric'; id: string; key: string }
  | { kind: 'dataset'; id: 'dataset' };

/** Metric keys as the trainer logs them: slash-separated words, e.g. pseudo-labels/nmi. */
const METRIC_KEY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

export function parseColumn(id: string): RunColumn | { error: string } {
  const text = id.trim();
  if (text === 'dataset') return { kind: 'dataset', id: 'dataset' };
  if (text.startsWith('eval.')) {
    const field = parseEvalField(text);
    return typeof field === 'string' ? { error: field } : { kind: 'eval', id: text, field };
  }
  if (text.startsWith('metric.')) {
    const key = text.slice('metric.'.length);
    return METRIC_KEY.test(key) ? { kind: 'metric', id: text, key } : { error: `“${text}”: write metric.<logged key>, e.g. metric.pseudo-labels/nmi` };
  }
  const path = parseConfigField(text);
  return typeof path === 'string' ? { kind: 'config', id: `config.${path}`, path } : path;
}

/** The value of an eval column for a run's results: the best over test sets (and over layers for `best`). */
export function evalValue(results: readonly { protocol: string; layer: string; metric: string; value: number }[], field: EvalField): number | undefined {
  const values = results.filter((r) => r.protocol === field.protocol && r.metric === field.metric && (field.layer === 'best' || r.layer === field.layer)).map((r) => r.value);
  return values.length ? Math.max(...values) : undefined;
}

export function columnLabel(column: RunColumn): string {
  if (column.kind === 'dataset') return 'Dataset';
  if (column.kind === 'config') return column.path;
  if (column.kind === 'metric') return column.key;
  const { protocol, layer, metric } = column.field;
  return `${protocol} ${layer === 'best' ? 'best layer' : layer}${metric === 'top1' ? ' top-1' : ` ${metric}`}`;
}

/** Column ids suggested in the column picker. */
export const SUGGESTED_COLUMNS = [
  'dataset',
  'eval.linear.best',
  ...['conv1', 'conv2', 'conv3', 'conv4', 'conv5'].map((layer) => `eval.linear.${layer}`),
  'eval.knn.best',
  'eval.nonlinear.best',
  'eval.finetune.all',
  'metric.pseudo-labels/nmi',
  'metric.pseudo-labels/purity',
  'metric.kmeans/inertia',
  'metric.pretext/heldout_top1',
  'config.seed',
  'config.clustering.k',
  'config.clustering.layer',
  'config.pretext.task',
  'config.pretext.epochs',
  'config.target.epochs',
];
