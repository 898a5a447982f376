'use client';

export interface Sweep {
  enabled: boolean;
  /** Dotted config path, e.g. `clustering.k` or `seed`. */
  field: string;
  /** Comma-separated values as typed. */
  values: string;
}

const SUGGESTED_FIELDS = ['seed', 'clustering.k', 'clustering.layer', 'pretext.learningRate', 'target.epochs'];

export function parseSweepValues(text: string): { values: (number | string)[]; error?: string } {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const values = parts.map((p) => (Number.isFinite(Number(p)) ? Number(p) : p));
  if (values.length === 0) return { values, error: 'give at least one value' };
  if (new Set(values).size !== values.length) return { values, error: 'values repeat' };
  return { values };
}

export function SweepFields({ sweep, onChange, error, count }: { sweep: Sweep; onChange: (next: Sweep) => void; error?: string; count: number }) {
  return (
    <div className="space-y-2">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={sweep.enabled} onChange={(e) => onChange({ ...sweep, enabled: e.target.checked })} />
        Launch a sweep: one run per value of a field
      </label>
      {sweep.enabled && (
        <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
          <div>
            <label htmlFor="sweep-field" className="mb-1 block text-xs font-medium text-slate-600">
              Field
            </label>
            <input id="sweep-field" list="sweep-field-options" value={sweep.field} onChange={(e) => onChange({ ...sweep, field: e.target.value })} className="w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-sm" />
            <datalist id="sweep-field-options">
              {SUGGESTED_FIELDS.map((f) => (
                <option key={f} value={f} />
              ))}
            </datalist>
          </div>
          <div className="md:col-span-2">
            <label htmlFor="sweep-values" className="mb-1 block text-xs font-medium text-slate-600">
              Values (comma-separated)
            </label>
            <input id="sweep-values" value={sweep.values} onChange={(e) => onChange({ ...sweep, values: e.target.value })} placeholder="500, 1000, 2000" className="w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-sm" />
            <p className={`mt-1 text-xs ${error ? 'text-rose-600' : 'text-slate-500'}`}>{error ?? `${count} run${count === 1 ? '' : 's'}, named <name>-<value>, grouped as one sweep`}</p>
          </div>
        </div>
      )}
    </div>
  );
}
