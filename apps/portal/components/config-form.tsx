'use client';
/**
 * A form generated from the shared zod config schema (through its JSON Schema), so every config field is
 * editable with the schema's own bounds and choices, and errors appear next to the field they concern.
 */
import type { FieldError } from '@ktlab/config';
import { textFieldValue } from '../lib/launch-config';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: (string | number)[];
  const?: unknown;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  description?: string;
  anyOf?: JsonSchema[];
}

type Value = unknown;
type Path = (string | number)[];

function humanize(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** Labels for fields whose key alone is ambiguous (two "Image Size" fields mean different things). */
const LABELS: Record<string, string> = {
  imageSize: 'Working image size (px)',
  'pretext.imageSize': 'Puzzle image size (px)',
  'clustering.data': 'Clustering data (other than the training data)',
  'pseudoLabels.data': 'Pseudo-label data (other than the clustering data)',
  'evaluation.train': 'Evaluation training data',
  'evaluation.test': 'Evaluation test data',
  'pretext.permutationsFile': 'Permutation set file (.bin)',
  'clustering.labelsFile': 'Pseudo-labels file (source "file")',
  'clustering.labelsFile.path': 'Labels file path',
  'clustering.labelsFile.imageList': 'Image list (.npy only)',
};

/** What a field expects, shown under it (file paths a worker reads). */
const HINTS: Record<string, string> = {
  'pretext.permutationsFile': 'Empty: a set is generated. A path the workers read (e.g. ../shared/reference/permutations_701.bin), inside the dataset roots when KTLAB_DATASET_ROOTS is set; it must hold exactly as many permutations as the Permutations field says.',
  'clustering.labelsFile.path': 'CSV path,label; JSON lines (a run’s labels.ktpl too); or an int32 .npy with an image list. Image paths are relative to the pseudo-label data; the file must lie inside the dataset roots when KTLAB_DATASET_ROOTS is set.',
  'clustering.labelsFile.imageList': 'A text file naming the .npy’s images in order, one a line (inside the dataset roots too).',
};

/** What an optional group that is not set means. */
const NOT_SET: Record<string, string> = {
  'clustering.data': 'Not set: clusters the run’s training data.',
  'pseudoLabels.data': 'Not set: labels the clustering’s data.',
  'evaluation.train': 'Not set: trains the probes on the run’s training data.',
  'evaluation.test': 'Not set: reports on 20% held out of the probe data.',
  'evaluation.dense': 'Not set: detection and segmentation (when chosen above) train frozen and fine-tuned on 1,000 scenes of 96×96 px and report on 250, for the trained protocols’ epochs and learning rate.',
  'clustering.labelsFile': 'Not set: pseudo-labels come from k-means. To train on labels made elsewhere, choose source "file" and set the file here.',
};

function labelFor(path: Path): string {
  return LABELS[path.join('.')] ?? humanize(String(path[path.length - 1]));
}

function setAt(root: Value, path: Path, value: Value): Value {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const container = (root ?? (typeof head === 'number' ? [] : {})) as Record<string | number, Value>;
  const copy = (Array.isArray(container) ? [...container] : { ...container }) as Record<string | number, Value>;
  if (rest.length === 0 && value === undefined) delete copy[head];
  else copy[head] = setAt(container[head], rest, value);
  return copy;
}

function errorFor(errors: FieldError[], path: Path): string | undefined {
  const key = path.join('.');
  return errors.find((e) => e.path === key)?.message;
}

const inputClass = 'w-full rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500';

function Leaf({ schema, value, path, onChange, error, optional }: { schema: JsonSchema; value: Value; path: Path; onChange: (v: Value) => void; error?: string; optional: boolean }) {
  const id = `field-${path.join('-')}`;
  const label = labelFor(path);
  const hint = HINTS[path.join('.')];
  let control;
  if (schema.enum) {
    control = (
      <select id={id} className={inputClass} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
        {schema.enum.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'boolean') {
    control = <input id={id} type="checkbox" className="h-4 w-4" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
  } else if (schema.type === 'number' || schema.type === 'integer') {
    control = (
      <input
        id={id}
        type="number"
        className={inputClass}
        step={schema.type === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        value={value === undefined || value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  } else if (schema.type === 'array' && schema.prefixItems) {
    const tuple = (value as number[] | undefined) ?? [];
    control = (
      <div className="flex gap-2">
        {schema.prefixItems.map((_, index) => (
          <input
            key={index}
            aria-label={`${label} ${index + 1}`}
            type="number"
            className={inputClass}
            value={tuple[index] ?? ''}
            onChange={(e) => onChange(Object.assign([...tuple], { [index]: Number(e.target.value) }))}
          />
        ))}
      </div>
    );
  } else if (schema.type === 'array' && schema.items?.enum) {
    const selected = new Set((value as string[] | undefined) ?? []);
    control = (
      <div className="flex flex-wrap gap-3">
        {schema.items.enum.map((option) => (
          <label key={String(option)} className="inline-flex items-center gap-1 text-sm">
            <input
              type="checkbox"
              checked={selected.has(String(option))}
              onChange={(e) => {
                const next = schema.items!.enum!.map(String).filter((o) => (o === String(option) ? e.target.checked : selected.has(o)));
                onChange(next);
              }}
            />
            {String(option)}
          </label>
        ))}
      </div>
    );
  } else {
    control = <input id={id} type="text" className={inputClass} value={String(value ?? '')} onChange={(e) => onChange(textFieldValue(e.target.value, optional))} />;
  }
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      {control}
      {hint && !error && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
      {error && (
        <p className="mt-1 text-xs text-rose-600" data-testid={`error-${path.join('.')}`}>
          {error}
        </p>
      )}
    </div>
  );
}

function ObjectFields({ schema, value, path, onChange, errors, omit }: { schema: JsonSchema; value: Record<string, Value> | undefined; path: Path; onChange: (path: Path, v: Value) => void; errors: FieldError[]; omit: readonly string[] }) {
  const entries = Object.entries(schema.properties ?? {}).filter(([key, s]) => s.const === undefined && !omit.includes([...path, key].join('.')));
  const leaves = entries.filter(([, s]) => s.type !== 'object' && !s.anyOf);
  const groups = entries.filter(([, s]) => s.type === 'object' || s.anyOf);
  return (
    <div className="space-y-4">
      {leaves.length > 0 && (
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {leaves.map(([key, child]) => (
            <Leaf
              key={key}
              schema={child}
              value={value?.[key]}
              path={[...path, key]}
              onChange={(v) => onChange([...path, key], v)}
              error={errorFor(errors, [...path, key])}
              optional={!(schema.required ?? []).includes(key) && child.default === undefined}
            />
          ))}
        </div>
      )}
      {groups.map(([key, child]) => {
        const objectSchema = child.anyOf?.find((s) => s.type === 'object') ?? child;
        const present = value?.[key] !== undefined;
        const optional = !(schema.required ?? []).includes(key) && objectSchema.default === undefined;
        const groupError = errorFor(errors, [...path, key]);
        return (
          <fieldset key={key} className="rounded-md border border-slate-200 p-3" data-testid={`group-${[...path, key].join('.')}`}>
            <legend className="flex items-center gap-2 px-1 text-sm font-semibold text-slate-700">
              {labelFor([...path, key])}
              {optional && (
                <button
                  type="button"
                  aria-label={`${present ? 'Remove' : 'Set'} ${labelFor([...path, key]).toLowerCase()}`}
                  className="rounded border border-slate-300 px-1.5 py-0.5 text-xs font-normal text-indigo-700 hover:bg-indigo-50"
                  onClick={() => onChange([...path, key], present ? undefined : { path: '' })}
                >
                  {present ? 'Remove' : 'Set…'}
                </button>
              )}
            </legend>
            {groupError && (
              <p className="mb-2 text-xs text-rose-600" data-testid={`error-${[...path, key].join('.')}`}>
                {groupError}
              </p>
            )}
            {present || !optional ? (
              <ObjectFields schema={objectSchema} value={value?.[key] as Record<string, Value>} path={[...path, key]} onChange={onChange} errors={errors} omit={omit} />
            ) : (
              <p className="text-xs text-slate-400">{NOT_SET[[...path, key].join('.')] ?? 'Not set: the default applies.'}</p>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}

/**
 * `onChange` receives the whole next config and the dotted path the user edited; `omit` lists dotted paths the
 * form leaves out (fields shown elsewhere on the page, so none appears twice).
 */
export function ConfigForm({
  schema,
  value,
  onChange,
  errors,
  omit = [],
}: {
  schema: JsonSchema;
  value: Record<string, Value>;
  onChange: (next: Record<string, Value>, path: string, fieldValue: Value) => void;
  errors: FieldError[];
  omit?: readonly string[];
}) {
  return (
    <ObjectFields
      schema={schema}
      value={value}
      path={[]}
      errors={errors}
      omit={omit}
      onChange={(path, v) => onChange(setAt(value, path, v) as Record<string, Value>, path.join('.'), v)}
    />
  );
}
