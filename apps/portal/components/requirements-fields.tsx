'use client';
/** The launch form's "Requires" fields: which workers may claim the run (config.requirements). */
import type { FieldError, Requirements } from '@ktlab/config';
import { normalizeRequirements } from '../lib/requirements';

const inputClass = 'w-full rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500';

export function RequirementsFields({
  value,
  onChange,
  errors,
}: {
  value: Requirements | undefined;
  onChange: (next: Requirements | undefined) => void;
  errors: FieldError[];
}) {
  const errorAt = (field: string) => errors.find((e) => e.path === `requirements.${field}` || (field === '' && e.path === 'requirements'))?.message;
  const set = (patch: Partial<Requirements>) => onChange(normalizeRequirements({ ...value, ...patch }));
  return (
    <div className="grid grid-cols-1 gap-3 md:grid-cols-4">
      <div>
        <label htmlFor="run-requires-accelerator" className="mb-1 block text-xs font-medium text-slate-600">
          Requires
        </label>
        <select
          id="run-requires-accelerator"
          className={inputClass}
          value={value?.accelerator ?? ''}
          onChange={(e) => set({ accelerator: (e.target.value || undefined) as Requirements['accelerator'] })}
        >
          <option value="">any worker</option>
          <option value="gpu">a GPU worker</option>
          <option value="cpu">a CPU worker</option>
        </select>
        {errorAt('accelerator') && (
          <p className="mt-1 text-xs text-rose-600" data-testid="error-requirements.accelerator">
            {errorAt('accelerator')}
          </p>
        )}
      </div>
      <div>
        <label htmlFor="run-requires-memory" className="mb-1 block text-xs font-medium text-slate-600">
          Min memory (GiB)
        </label>
        <input
          id="run-requires-memory"
          type="number"
          min={0}
          step="any"
          placeholder="any"
          className={inputClass}
          value={value?.minMemoryGiB ?? ''}
          onChange={(e) => set({ minMemoryGiB: e.target.value === '' ? undefined : Number(e.target.value) })}
        />
        {errorAt('minMemoryGiB') && (
          <p className="mt-1 text-xs text-rose-600" data-testid="error-requirements.minMemoryGiB">
            {errorAt('minMemoryGiB')}
          </p>
        )}
      </div>
      <p className="self-end pb-1 text-xs text-slate-500 md:col-span-2">
        Only workers that offer these claim the run (see Workers); until one is online the run waits in the queue.
        {errorAt('') && <span className="block text-rose-600">{errorAt('')}</span>}
      </p>
    </div>
  );
}
