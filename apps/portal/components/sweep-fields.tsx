'use client';
import { MAX_SWEEP_FIELDS, MAX_SWEEP_RUNS } from '@ktlab/config';
import { firstRunName, isDatasetField, table2Axes, type ParsedSweep, type SweepAxisDraft, type SweepDraft } from '../lib/sweep-grid';

/**
 * The launch form's sweep: fields with comma-separated values, one run per combination. `parsed` is the form's
 * reading of `sweep` (lib/sweep-grid); `serverAxisErrors` are the API's refusals, shown at their axis until the
 * sweep is edited.
 */
export function SweepFields({
  sweep,
  onChange,
  parsed,
  config,
  name,
  suggestions,
  serverAxisErrors = {},
}: {
  sweep: SweepDraft;
  onChange: (next: SweepDraft) => void;
  /** Undefined while the sweep is off. */
  parsed: ParsedSweep | undefined;
  config: Record<string, unknown>;
  name: string;
  suggestions: string[];
  serverAxisErrors?: Record<number, string>;
}) {
  const setAxis = (index: number, next: Partial<SweepAxisDraft>) => onChange({ ...sweep, axes: sweep.axes.map((axis, i) => (i === index ? { ...axis, ...next } : axis)) });
  return (
    <div className="space-y-2">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={sweep.enabled} onChange={(e) => onChange({ ...sweep, enabled: e.target.checked })} />
        Launch a sweep: one run per combination of the fields’ values
      </label>
      {sweep.enabled && parsed && (
        <div className="space-y-3" data-testid="sweep-fields">
          <datalist id="sweep-field-options">
            {suggestions.map((f) => (
              <option key={f} value={f} />
            ))}
          </datalist>
          {sweep.axes.map((axis, index) => {
            const error = parsed.axisErrors[index] ?? serverAxisErrors[index];
            const dataset = isDatasetField(axis.field);
            return (
              <div key={index} className="grid grid-cols-1 gap-3 md:grid-cols-[1fr_2fr_auto]" data-testid={`sweep-axis-${index}`}>
                <div>
                  <label htmlFor={`sweep-field-${index}`} className="mb-1 block text-xs font-medium text-slate-600">
                    Field {index + 1}
                  </label>
                  <input
                    id={`sweep-field-${index}`}
                    list="sweep-field-options"
                    value={axis.field}
                    placeholder="clustering.k"
                    onChange={(e) => setAxis(index, { field: e.target.value })}
                    className="w-full rounded-md border border-slate-300 bg-surface px-2 py-1 font-mono text-sm"
                  />
                </div>
                <div>
                  <label htmlFor={`sweep-values-${index}`} className="mb-1 block text-xs font-medium text-slate-600">
                    Values {index + 1} (comma-separated{dataset ? ': first-half, second-half, a folder, or folder#first-half' : ''})
                  </label>
                  <input
                    id={`sweep-values-${index}`}
                    value={axis.values}
                    placeholder={dataset ? 'first-half, second-half' : '500, 1000, 2000'}
                    onChange={(e) => setAxis(index, { values: e.target.value })}
                    className="w-full rounded-md border border-slate-300 bg-surface px-2 py-1 font-mono text-sm"
                  />
                  {error ? (
                    <p className="mt-1 text-xs text-rose-600" data-testid={`sweep-axis-error-${index}`}>
                      {error}
                    </p>
                  ) : (
                    parsed.labels[index]?.length > 0 && (
                      <p className="mt-1 text-xs text-slate-500" data-testid={`sweep-axis-values-${index}`}>
                        {parsed.labels[index].length} value{parsed.labels[index].length === 1 ? '' : 's'}: {parsed.labels[index].join(', ')}
                        {dataset ? ' (format and image limit of the training data)' : ''}
                      </p>
                    )
                  )}
                </div>
                <div className="flex items-end">
                  <button
                    type="button"
                    disabled={sweep.axes.length === 1}
                    onClick={() => onChange({ ...sweep, axes: sweep.axes.filter((_, i) => i !== index) })}
                    aria-label={`Remove field ${index + 1}`}
                    className="rounded-md px-2 py-1 text-sm text-slate-500 hover:text-rose-600 disabled:opacity-40"
                  >
                    Remove
                  </button>
                </div>
              </div>
            );
          })}
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <button
              type="button"
              disabled={sweep.axes.length >= MAX_SWEEP_FIELDS}
              onClick={() => onChange({ ...sweep, axes: [...sweep.axes, { field: '', values: '' }] })}
              className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-50 disabled:opacity-40"
            >
              Add a field
            </button>
            {config.kind === 'pipeline' && (
              <button
                type="button"
                onClick={() => onChange({ ...sweep, axes: table2Axes(config) })}
                className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-50"
                title="Cluster on half A of the training data; pseudo-label half A, half B or the test images"
              >
                Table 2: cluster domain
              </button>
            )}
          </div>
          <p className={`text-sm ${parsed.capError ? 'text-rose-600' : 'text-slate-600'}`} data-testid="sweep-count" role="status">
            {parsed.capError ??
              `${parsed.count} run${parsed.count === 1 ? '' : 's'}${sweep.axes.length > 1 ? ` (${parsed.valueCounts.join(' × ')})` : ''}, grouped as one sweep; at most ${MAX_SWEEP_RUNS}.`}
            {!parsed.error && ` First run: ${firstRunName(name, parsed)}.`}
          </p>
        </div>
      )}
    </div>
  );
}
