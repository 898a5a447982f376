'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import { configFieldErrors, pipelineConfigInputSchema, presets, runConfigInputSchema, runConfigSchema, smokeConfigInputSchema, type FieldError, type Requirements } from '@ktlab/config';
import { exportConfigFile, importConfigFile } from '../lib/config-file';
import { applyPreset, describeApplied, getAt, leafPaths, setAt, type Edits } from '../lib/launch-config';
import { withRequirements } from '../lib/requirements';
import { parseSweep, sweepFieldSuggestions, sweepServerErrors, type SweepDraft } from '../lib/sweep-grid';
import { useSession } from '../lib/session';
import { useTRPC } from '../lib/trpc';
import { ConfigForm, type JsonSchema } from './config-form';
import { DatasetPicker, type DataChoice, type DatasetFormat } from './dataset-picker';
import { RequirementsFields } from './requirements-fields';
import { SweepFields } from './sweep-fields';
import { Card, ErrorNotice } from './ui/card';

/**
 * Requirements have their own fields (RequirementsFields), so the generated form leaves them out: removed from
 * the JSON schema, since zod's .omit() throws on the pipeline schema (it carries a cross-field refinement).
 */
function formSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = Object.fromEntries(Object.entries(json.properties ?? {}).filter(([key]) => key !== 'requirements'));
  return { ...json, properties, ...(json.required ? { required: json.required.filter((key) => key !== 'requirements') } : {}) };
}
const jsonSchemas = { pipeline: formSchema(pipelineConfigInputSchema), smoke: formSchema(smokeConfigInputSchema) };


const DEFAULT_DATA = '../shared/datasets/cifar10/train';

/**
 * The preset's full config with every default filled in. An empty data path would fail validation and
 * leave the defaults out, so defaults are resolved with a placeholder path and the user's path put back.
 */
function buildConfig(presetId: string, data: DataChoice, quick: boolean, seed: number): Record<string, unknown> {
  const preset = presets.find((p) => p.id === presetId)!;
  if (!preset.needsData) return runConfigSchema.parse(preset.build({ quick, seed })) as Record<string, unknown>;
  const config = runConfigSchema.parse(preset.build({ data: { path: data.path || '-', format: data.format }, quick, seed }));
  if (config.kind === 'pipeline') config.data.path = data.path;
  return config as Record<string, unknown>;
}

/** A registered dataset as the config refers to it (evaluation data is always used whole). */
function datasetRef(dataset: { location: string; format: DatasetFormat } | undefined, subset?: 'all'): Record<string, unknown> | undefined {
  return dataset && { path: dataset.location, format: dataset.format, ...(subset ? { subset } : {}) };
}

/** Fields of the generated form that the Run card shows instead (so no field appears twice). */
const SHOWN_IN_RUN_CARD = ['seed', 'data.path'];

/** The launch form; with `cloneFrom`, it starts from that run's method, config and tags. */
export function LaunchForm({ cloneFrom }: { cloneFrom?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { projectSlug } = useSession();
  const [tagsText, setTagsText] = useState('');
  const [sweep, setSweepDraft] = useState<SweepDraft>({ enabled: false, axes: [{ field: 'seed', values: '0, 1, 2' }] });
  /** The API's refusal of the last sweep: by axis, and whether all of it is shown at a field; cleared when the sweep is edited. */
  const [sweepRefusal, setSweepRefusal] = useState<{ axisErrors: Record<number, string>; placed: boolean }>({ axisErrors: {}, placed: false });
  const setSweep = (next: SweepDraft) => {
    setSweepDraft(next);
    setSweepRefusal({ axisErrors: {}, placed: false });
  };
  const source = useQuery({ ...trpc.runs.get.queryOptions({ id: cloneFrom ?? '' }), enabled: Boolean(cloneFrom) });
  const [presetId, setPresetId] = useState('smoke');
  const datasets = useQuery(trpc.datasets.list.queryOptions({ projectSlug }));
  const [quick, setQuick] = useState(true);
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Record<string, unknown>>(() => buildConfig('smoke', { path: DEFAULT_DATA, format: 'folder' }, true, 0));
  /** What the user typed or picked, by dotted path: a preset or Quick never overwrites these. */
  const [edits, setEdits] = useState<Edits>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  /** The last config file that could not be imported: why, and the fields the schema refused. */
  const [importRefusal, setImportRefusal] = useState<{ error: string; fieldErrors: FieldError[] } | null>(null);
  const preset = presets.find((p) => p.id === presetId)!;

  /** Records the user's edit of one field (replacing earlier edits inside it) and shows the resulting config. */
  const edit = (path: string, value: unknown, next: Record<string, unknown>) => {
    setEdits((current) => {
      const kept = Object.fromEntries(Object.entries(current).filter(([p]) => !p.startsWith(`${path}.`)));
      return { ...kept, [path]: value };
    });
    setConfig(next);
    setServerErrors([]);
  };
  const editField = (path: string, value: unknown) => edit(path, value, setAt(config, path, value));

  /** Fills the config from a preset (or its Quick variant), keeping every field the user edited. */
  const applyChoice = (nextPresetId: string, nextQuick: boolean) => {
    const nextPreset = presets.find((p) => p.id === nextPresetId)!;
    const data = (edits['data.path'] as string | undefined) ?? (getAt(config, 'data.path') as string | undefined) ?? DEFAULT_DATA;
    const format = ((edits['data.format'] as DatasetFormat | undefined) ?? (getAt(config, 'data.format') as DatasetFormat | undefined) ?? 'folder');
    const built = withRequirements(buildConfig(nextPresetId, { path: data, format }, nextQuick, 0), config.requirements as Requirements | undefined);
    const kind = built.kind as 'pipeline' | 'smoke';
    const applied = applyPreset(config, built, edits, [...Object.keys(jsonSchemas[kind].properties ?? {}), 'requirements']);
    setConfig(applied.config);
    setNotice(describeApplied(nextPreset.name, nextPreset.needsData ? nextQuick : undefined, applied, edits));
    setServerErrors([]);
  };

  /** Downloads the form's config as the file `ktlab run --config` reads. */
  const exportConfig = (format: 'yaml' | 'json') => {
    const file = exportConfigFile(config, format, name || presetId);
    const url = URL.createObjectURL(new Blob([file.text], { type: file.mimeType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  /** Loads a config file: every field it sets counts as the user's edit, so a preset or Quick keeps it. */
  const importConfig = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const imported = importConfigFile(await file.text(), file.name);
    if (!imported.ok) {
      setImportRefusal({ error: imported.error, fieldErrors: imported.fieldErrors });
      return;
    }
    const closest = presets.find((p) => p.id === imported.presetId)!;
    setImportRefusal(null);
    setPresetId(imported.presetId);
    setQuick(imported.quick);
    setConfig(imported.config);
    setEdits(imported.edits);
    setServerErrors([]);
    const fields = Object.keys(imported.edits).length;
    setNotice(`Imported ${file.name}: its ${fields} fields count as your edits (a preset or Quick keeps them); method ${closest.name}${closest.needsData ? (imported.quick ? ' (quick)' : ' (full size)') : ''}, the closest preset.`);
  };

  // Validated as the API will: keys the schema does not know are errors (a stored config being cloned is read
  // leniently below, which drops them).
  const clientErrors = useMemo(() => {
    const result = runConfigInputSchema.safeParse(config);
    return result.success ? [] : configFieldErrors(result.error);
  }, [config]);
  const errors = serverErrors.length ? serverErrors : clientErrors;

  useEffect(() => {
    const run = source.data;
    if (!run) return;
    const parsed = runConfigSchema.safeParse(run.config);
    if (!parsed.success) return;
    const method = presets.some((p) => p.id === run.method) ? run.method : presetId;
    setPresetId(method);
    const cloned = parsed.data as Record<string, unknown>;
    setConfig(cloned);
    // What the source run set differently from its preset counts as edited: Quick or a preset change keeps it.
    const data = parsed.data.kind === 'pipeline' ? parsed.data.data : { path: DEFAULT_DATA, format: 'folder' as const };
    const reference = buildConfig(method, data, false, 0);
    setEdits(Object.fromEntries(leafPaths(cloned).filter((path) => JSON.stringify(getAt(cloned, path)) !== JSON.stringify(getAt(reference, path))).map((path) => [path, getAt(cloned, path)])));
    setName(`${run.name}-clone`);
    setTagsText(run.tags.join(', '));
  }, [source.data]);
  const tags = tagsText.split(',').map((t) => t.trim()).filter(Boolean);
  // Every value of every axis is checked against the config as the API will (a few hundred parses at most).
  const sweepGrid = useMemo(() => (sweep.enabled ? parseSweep(sweep, config) : undefined), [sweep, config]);
  const sweepError = sweepGrid?.error;
  const sweepSuggestions = useMemo(() => sweepFieldSuggestions(config), [config]);

  const createSweep = useMutation(
    trpc.runs.createSweep.mutationOptions({
      onSuccess: (result) => router.push(`/runs?sweep=${result.sweepId}`),
      onError: (error, variables) => {
        const placed = sweepServerErrors((error.data as { fieldErrors?: FieldError[] } | undefined)?.fieldErrors ?? [], variables.axes ?? []);
        const atFields = Object.keys(placed.axisErrors).length + placed.configErrors.length;
        setSweepRefusal({ axisErrors: placed.axisErrors, placed: atFields > 0 && placed.general.length === 0 });
        setServerErrors(placed.configErrors);
      },
    }),
  );

  const create = useMutation(
    trpc.runs.create.mutationOptions({
      onSuccess: (run) => router.push(`/runs/${run.id}`),
      onError: (error) => {
        const fieldErrors = (error.data as { fieldErrors?: FieldError[] } | undefined)?.fieldErrors ?? [];
        setServerErrors(fieldErrors.map((e) => ({ ...e, path: e.path.replace(/^config\./, '') })));
      },
    }),
  );

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const parsed = runConfigInputSchema.safeParse(config);
    if (!parsed.success) return;
    if (sweepGrid) {
      if (sweepGrid.error) return;
      createSweep.mutate({ projectSlug, method: presetId, name: name.trim() || presetId, config: parsed.data, tags, axes: sweepGrid.axes });
      return;
    }
    create.mutate({ projectSlug, method: presetId, name: name.trim() || undefined, config: parsed.data, tags });
  };

  const kind = (config.kind as 'pipeline' | 'smoke') ?? 'smoke';
  const dataPathError = errors.find((e) => e.path === 'data.path')?.message;
  return (
    <form onSubmit={submit} className="space-y-6">
      <Card title="Method">
        <div className="grid grid-cols-1 gap-2 md:grid-cols-2">
          {presets.map((candidate) => (
            <label
              key={candidate.id}
              className={`flex cursor-pointer gap-3 rounded-md border p-3 text-sm ${
                candidate.id === presetId ? 'border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500' : 'border-slate-200 hover:border-slate-300'
              }`}
            >
              <input
                type="radio"
                name="preset"
                value={candidate.id}
                checked={candidate.id === presetId}
                onChange={() => {
                  setPresetId(candidate.id);
                  applyChoice(candidate.id, quick);
                }}
                className="mt-0.5"
              />
              <span>
                <span className="block font-medium text-slate-900">{candidate.name}</span>
                <span className="block text-slate-500">{candidate.description}</span>
              </span>
            </label>
          ))}
        </div>
        {notice && (
          <p className="mt-3 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="preset-notice" role="status">
            {notice}
          </p>
        )}
      </Card>
      <Card title="Config file">
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <button type="button" onClick={() => exportConfig('yaml')} className="rounded-md border border-slate-300 px-3 py-1 hover:border-slate-400">
            Export config (YAML)
          </button>
          <button type="button" onClick={() => exportConfig('json')} className="rounded-md border border-slate-300 px-3 py-1 hover:border-slate-400">
            Export config (JSON)
          </button>
          <label htmlFor="import-config" className="text-xs font-medium text-slate-600">
            Import config
          </label>
          <input id="import-config" type="file" accept=".yaml,.yml,.json" onChange={(e) => void importConfig(e.currentTarget)} className="text-sm" />
        </div>
        <p className="mt-2 text-xs text-slate-500">
          The same file as <code>npm run ktlab -- config &lt;preset&gt;</code> prints and <code>ktlab run --config</code> / <code>ktlab submit --config</code> read.
        </p>
        {importRefusal && (
          <div className="mt-3 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="import-errors" role="alert">
            <p>{importRefusal.error}</p>
            {importRefusal.fieldErrors.length > 0 && (
              <ul className="mt-1 list-disc pl-5 font-mono text-xs">
                {importRefusal.fieldErrors.map((error) => (
                  <li key={error.path}>
                    {error.path}: {error.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </Card>
      <Card title="Run">
        <div className="grid grid-cols-1 gap-3 md:grid-cols-4">
          <div className="md:col-span-2">
            <label htmlFor="run-name" className="mb-1 block text-xs font-medium text-slate-600">
              Name (optional)
            </label>
            <input id="run-name" value={name} onChange={(e) => setName(e.target.value)} placeholder={`${presetId}-…`} className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm" />
          </div>
          <div>
            <label htmlFor="run-seed" className="mb-1 block text-xs font-medium text-slate-600">
              Seed
            </label>
            <input
              id="run-seed"
              type="number"
              value={config.seed === undefined ? '' : String(config.seed)}
              onChange={(e) => editField('seed', e.target.value === '' ? undefined : Number(e.target.value))}
              className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </div>
          {preset.needsData && (
            <label className="flex items-end gap-2 pb-1 text-sm">
              <input
                type="checkbox"
                checked={quick}
                onChange={(e) => {
                  setQuick(e.target.checked);
                  applyChoice(presetId, e.target.checked);
                }}
              />
              Quick variant (CPU-sized)
            </label>
          )}
          {preset.needsData && (
            <>
              <div className="md:col-span-1">
                <DatasetPicker
                  id="run-dataset"
                  label="Training dataset"
                  datasets={datasets.data ?? []}
                  value={getAt(config, 'data') as DataChoice | undefined}
                  noneLabel="Custom path"
                  onPick={(dataset) => {
                    if (!dataset) return;
                    const next = setAt(setAt(config, 'data.path', dataset.location), 'data.format', dataset.format);
                    setEdits((current) => ({ ...current, 'data.path': dataset.location, 'data.format': dataset.format }));
                    setConfig(next);
                    setServerErrors([]);
                  }}
                />
              </div>
              <div className="md:col-span-3">
                <label htmlFor="run-data" className="mb-1 block text-xs font-medium text-slate-600">
                  Training images (folder path on the workers)
                </label>
                <input
                  id="run-data"
                  value={String(getAt(config, 'data.path') ?? '')}
                  onChange={(e) => editField('data.path', e.target.value)}
                  className="w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-sm"
                />
                {dataPathError && (
                  <p className="mt-1 text-xs text-rose-600" data-testid="error-data.path">
                    {dataPathError}
                  </p>
                )}
              </div>
              <div className="md:col-span-2">
                <DatasetPicker
                  id="run-eval-train"
                  label="Evaluation: train the probes on"
                  datasets={(datasets.data ?? []).filter((d) => d.labeled)}
                  value={getAt(config, 'evaluation.train') as DataChoice | undefined}
                  noneLabel="the training data (default)"
                  onPick={(dataset) => editField('evaluation.train', datasetRef(dataset, 'all'))}
                />
              </div>
              <div className="md:col-span-2">
                <DatasetPicker
                  id="run-eval-test"
                  label="Evaluation: report on"
                  datasets={(datasets.data ?? []).filter((d) => d.labeled)}
                  value={getAt(config, 'evaluation.test') as DataChoice | undefined}
                  noneLabel="20% held out of the probe data (default)"
                  onPick={(dataset) => editField('evaluation.test', datasetRef(dataset, 'all'))}
                />
              </div>
              {datasets.data?.length === 0 && (
                <p className="text-xs text-slate-500 md:col-span-4">
                  Register datasets in{' '}
                  <Link href="/settings" className="font-medium text-indigo-600 hover:underline">
                    Settings
                  </Link>{' '}
                  to pick them here instead of typing paths.
                </p>
              )}
            </>
          )}
        </div>
      </Card>
      <Card title="Worker">
        <RequirementsFields
          value={config.requirements as Requirements | undefined}
          onChange={(requirements) => {
            setConfig(withRequirements(config, requirements));
            setServerErrors([]);
          }}
          errors={errors}
        />
      </Card>
      <Card title="Configuration">
        <ConfigForm schema={jsonSchemas[kind]} value={config} omit={SHOWN_IN_RUN_CARD} onChange={(next, path, value) => edit(path, value, next)} errors={errors} />
      </Card>
      <Card title="Tags and sweep">
        <div className="space-y-4">
          <div>
            <label htmlFor="run-tags" className="mb-1 block text-xs font-medium text-slate-600">
              Tags (comma-separated)
            </label>
            <input id="run-tags" value={tagsText} onChange={(e) => setTagsText(e.target.value)} placeholder="baseline, table-1" className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm md:w-1/2" />
          </div>
          <SweepFields
            sweep={sweep}
            onChange={setSweep}
            parsed={sweepGrid}
            config={config}
            name={name.trim() || presetId}
            suggestions={sweepSuggestions}
            serverAxisErrors={sweepRefusal.axisErrors}
          />
        </div>
      </Card>
      <ErrorNotice error={(create.error && !serverErrors.length ? create.error : null) ?? (createSweep.error && !sweepRefusal.placed ? createSweep.error : null)} />
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={errors.length > 0 || Boolean(sweepError) || create.isPending || createSweep.isPending}
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {create.isPending || createSweep.isPending ? 'Launching…' : sweepGrid ? `Launch sweep (${sweepGrid.count} run${sweepGrid.count === 1 ? '' : 's'})` : 'Launch run'}
        </button>
        {errors.length > 0 && <span className="text-sm text-rose-600">{errors.length} field{errors.length > 1 ? 's need' : ' needs'} attention</span>}
      </div>
    </form>
  );
}
