'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { refetchAfterWrite } from '../../lib/refetch-after-write';
import { useSession } from '../../lib/session';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { Cell, DataTable } from '../ui/data-table';
import { Field, inputClass } from '../ui/field';
import { InlineForm } from '../ui/inline-form';

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
  const datasets = useQuery(trpc.datasets.list.queryOptions({ projectSlug }));
  const refresh = () => refetchAfterWrite(queryClient, trpc.datasets.list.queryKey({ projectSlug }));
  const register = useMutation(trpc.datasets.register.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.datasets.remove.mutationOptions({ onSuccess: refresh }));
  return (
    <Card title="Datasets">
      <InlineForm
        onSubmit={(values, form) => {
          const format = FORMATS.find((option) => option.value === values.format)?.value ?? 'folder';
          // The form keeps what was typed until the dataset is registered, so a wrong path can be corrected.
          register.mutate({ projectSlug, name: values.name, path: values.path, format }, { onSuccess: () => form.reset() });
        }}
      >
        <Field label="Dataset name" htmlFor="dataset-name" className="w-48">
          <input id="dataset-name" name="name" required placeholder="cifar10-train" className={inputClass} />
        </Field>
        <Field label="Path (on the workers; relative paths start at the repository root)" htmlFor="dataset-path" className="min-w-72 flex-1">
          <input id="dataset-path" name="path" required placeholder="../shared/datasets/cifar10/train" className={`${inputClass} font-mono`} />
        </Field>
        <Field label="Format" htmlFor="dataset-format" className="w-40">
          <select id="dataset-format" name="format" defaultValue="folder" className={inputClass}>
            {FORMATS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <Button type="submit" disabled={register.isPending}>
          {register.isPending ? 'Checking…' : 'Register dataset'}
        </Button>
      </InlineForm>
      <ErrorNotice error={register.error ?? remove.error ?? datasets.error} />
      {datasets.data && datasets.data.length === 0 ? (
        <p className="mt-4 text-sm text-slate-500">No dataset registered yet: the path is checked and its images counted when you register one.</p>
      ) : (
        <DataTable testId="datasets-table" columns={['Name', 'Location', 'Format', { label: 'Images', align: 'right' }, 'Labels', '']}>
          {datasets.data?.map((dataset) => (
            <tr key={dataset.id}>
              <Cell className="font-medium">{dataset.name}</Cell>
              <Cell className="font-mono text-xs text-slate-600">{dataset.location}</Cell>
              <Cell>{FORMATS.find((f) => f.value === dataset.format)?.label ?? dataset.format}</Cell>
              <Cell align="right" className="tabular-nums">
                {dataset.imageCount?.toLocaleString() ?? '—'}
              </Cell>
              <Cell>{dataset.labeled ? 'class folders' : 'unlabelled'}</Cell>
              <Cell align="right">
                <Button variant="danger" onClick={() => remove.mutate({ id: dataset.id })} aria-label={`Remove ${dataset.name}`}>
                  Remove
                </Button>
              </Cell>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
