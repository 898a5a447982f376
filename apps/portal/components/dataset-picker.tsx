'use client';
import { inputClass } from './ui/field';

export type DatasetFormat = 'folder' | 'cifar-binary' | 'idx';

/** A dataset reference as the run config holds it. */
export interface DataChoice {
  path: string;
  format: DatasetFormat;
}

/** Evaluation data picked for the probes; absent fields keep the config's defaults. */
export interface EvalChoice {
  train?: DataChoice;
  test?: DataChoice;
}

export interface RegisteredDataset {
  id: string;
  name: string;
  format: DatasetFormat;
  location: string;
  imageCount: number | null;
  labeled: boolean;
}

/**
 * A select of the project's registered datasets. The selection is derived from the config's current path and
 * format, so typing a registered dataset's path selects it, and a typed path shows the "none" choice.
 */
export function DatasetPicker({
  id,
  label,
  datasets,
  value,
  noneLabel,
  onPick,
}: {
  id: string;
  label: string;
  datasets: RegisteredDataset[];
  value: DataChoice | undefined;
  noneLabel: string;
  onPick: (dataset: RegisteredDataset | undefined) => void;
}) {
  const selected = value ? datasets.find((dataset) => dataset.location === value.path && dataset.format === value.format) : undefined;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={id} value={selected?.id ?? ''} onChange={(e) => onPick(datasets.find((dataset) => dataset.id === e.target.value))} className={inputClass}>
        <option value="">{noneLabel}</option>
        {datasets.map((dataset) => (
          <option key={dataset.id} value={dataset.id}>
            {dataset.name}
            {dataset.imageCount !== null ? ` (${dataset.imageCount.toLocaleString()} images${dataset.labeled ? ', labelled' : ''})` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
