'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../lib/session';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { inputClass } from '../ui/field';

const FORMATS = [
  { value: 'folder', label: 'Image folder' },
  { value: 'cifar-binary', label: 'CIFAR binary' },
  { value: 'idx', label: 'IDX file' },
] as const;

/** The project's registered datasets: the launch form offers them instead of a typed path. */
export function DatasetsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectSlug } = useSession();
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<(typeof FORMATS)[number]['value']>('folder');
  const datasets = useQuery(trpc.datasets.list.queryOptions({ projectSlug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.datasets.list.queryKey({ projectSlug }) });
  const register = useMutation(
    trpc.datasets.register.mutationOptions({
      onSuccess: () => {
        setName('');
        setPath('');
        void refresh();
      },
    }),
  );
  const remove = useMutation(trpc.datasets.remove.mutationOptions({ onSuccess: refresh }));
  return (
    <Card title="Datasets">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          register.mutate({ projectSlug, name: name.trim(), path: path.trim(), format });
        }}
      >
        <div className="w-48">
          <label htmlFor="dataset-name" className="mb-1 block text-xs font-medium text-slate-600">
            Dataset name
          </label>
          <input id="dataset-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="cifar10-train" className={inputClass} />
        </div>
        <div className="min-w-72 flex-1">
          <label htmlFor="dataset-path" className="mb-1 block text-xs font-medium text-slate-600">
            Path (on the workers; relative paths start at the repository root)
          </label>
          <input id="dataset-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="../shared/datasets/cifar10/train" className={`${inputClass} font-mono`} />
        </div>
        <div className="w-40">
          <label htmlFor="dataset-format" className="mb-1 block text-xs font-medium text-slate-600">
            Format
          </label>
          <select id="dataset-format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)} className={inputClass}>
            {FORMATS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" disabled={!name.trim() || !path.trim() || register.isPending}>
          {register.isPending ? 'Checking…' : 'Register dataset'}
        </Button>
      </form>
      <ErrorNotice error={register.error ?? remove.error ?? datasets.error} />
      {datasets.data && datasets.data.length === 0 ? (
        <p className="mt-4 text-sm text-slate-500">No dataset registered yet: the path is checked and its images counted when you register one.</p>
      ) : (
        <table className="mt-4 min-w-full text-sm" data-testid="datasets-table">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-2 py-1 text-left font-medium">Name</th>
              <th className="px-2 py-1 text-left font-medium">Location</th>
              <th className="px-2 py-1 text-left font-medium">Format</th>
              <th className="px-2 py-1 text-right font-medium">Images</th>
              <th className="px-2 py-1 text-left font-medium">Labels</th>
              <th />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {datasets.data?.map((dataset) => (
              <tr key={dataset.id}>
                <td className="px-2 py-1.5 font-medium">{dataset.name}</td>
                <td className="px-2 py-1.5 font-mono text-xs text-slate-600">{dataset.location}</td>
                <td className="px-2 py-1.5">{FORMATS.find((f) => f.value === dataset.format)?.label ?? dataset.format}</td>
                <td className="px-2 py-1.5 text-right tabular-nums">{dataset.imageCount?.toLocaleString() ?? '—'}</td>
                <td className="px-2 py-1.5">{dataset.labeled ? 'class folders' : 'unlabelled'}</td>
                <td className="px-2 py-1.5 text-right">
                  <Button variant="danger" onClick={() => remove.mutate({ id: dataset.id })} aria-label={`Remove ${dataset.name}`}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
