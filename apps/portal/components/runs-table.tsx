'use client';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { presets } from '@ktlab/config';
import { formatMetricValue, formatPercent, formatTime, runDuration } from '../lib/format';
import { columnLabel, evalValue, parseColumn, parseRunFilter, SUGGESTED_COLUMNS, type RunColumn } from '../lib/run-filter';
import { useSession } from '../lib/session';
import { useTRPC } from '../lib/trpc';
import { useThrottledInvalidate } from '../lib/use-throttled-invalidate';
import { Button } from './ui/button';
import { EmptyState, ErrorNotice } from './ui/card';
import { StatusBadge } from './ui/status-badge';
import { TagList } from './ui/tag-list';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];
type SortKey = 'createdAt' | 'name' | 'status' | 'method';
const SORT_KEYS: readonly string[] = ['createdAt', 'name', 'status', 'method'];
const PAGE_SIZE = 50;
const DEFAULT_COLUMNS = ['dataset', 'eval.linear.best'];

/** The table's state as the URL carries it (`/runs?status=succeeded&filter=eval.linear.conv3>0.5&cols=…`). */
export interface RunsTableParams {
  status?: string;
  method?: string;
  q?: string;
  tag?: string;
  filter?: string;
  sort?: string;
  order?: string;
  cols?: string;
  view?: string;
  page?: string;
  sweep?: string;
}

function toSearch(state: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function showConfigValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function configAt(config: unknown, path: string): unknown {
  let node = config;
  for (const key of path.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

export function RunsTable({ params = {} }: { params?: RunsTableParams }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const { projectSlug } = useSession();
  const sweepId = params.sweep;
  const [status, setStatus] = useState<Status[]>(() => (params.status ?? '').split(',').filter((s): s is Status => (STATUSES as readonly string[]).includes(s)));
  const [method, setMethod] = useState(params.method ?? '');
  const [search, setSearch] = useState(params.q ?? '');
  const [tags, setTags] = useState<string[]>(() => (params.tag ?? '').split(',').filter(Boolean));
  const [filterText, setFilterText] = useState(params.filter ?? '');
  const [view, setView] = useState<'active' | 'deleted'>(params.view === 'deleted' ? 'deleted' : 'active');
  const [grouped, setGrouped] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [sort, setSort] = useState<{ key: string; order: 'asc' | 'desc' }>(() => ({
    key: params.sort && (SORT_KEYS.includes(params.sort) || params.sort.startsWith('eval.')) ? params.sort : 'createdAt',
    order: params.order === 'asc' ? 'asc' : 'desc',
  }));
  const [columnIds, setColumnIds] = useState<string[]>(() => (params.cols !== undefined ? params.cols.split(',').filter(Boolean) : DEFAULT_COLUMNS));
  const [newColumn, setNewColumn] = useState('');
  const [columnError, setColumnError] = useState<string | undefined>();
  const [page, setPage] = useState(() => Math.max(0, Number(params.page ?? 1) - 1) || 0);
  const runFilter = parseRunFilter(filterText);
  const columns = columnIds.map(parseColumn).filter((c): c is RunColumn => !('error' in c));
  const metricKeys = columns.flatMap((c) => (c.kind === 'metric' ? [c.key] : []));
  const sortEval = sort.key.startsWith('eval.') ? parseColumn(sort.key) : undefined;

  // The URL follows the table (filters, sort, columns, page): a link or a reload shows the same runs.
  useEffect(() => {
    const search_ = toSearch({
      status: status.join(',') || undefined,
      method: method || undefined,
      q: search || undefined,
      tag: tags.join(',') || undefined,
      filter: filterText.trim() || undefined,
      sort: sort.key === 'createdAt' ? undefined : sort.key,
      order: sort.order === 'desc' ? undefined : sort.order,
      cols: columnIds.join(',') === DEFAULT_COLUMNS.join(',') ? undefined : columnIds.join(','),
      view: view === 'active' ? undefined : view,
      page: page === 0 ? undefined : String(page + 1),
      sweep: sweepId,
    });
    // The history entry only: Next keeps its router in step, and typing a filter costs no server round trip.
    if (search_ !== window.location.search) window.history.replaceState(null, '', `${pathname}${search_}`);
  }, [status, method, search, tags, filterText, sort, columnIds, view, page, sweepId, pathname]);

  const filters = {
    projectSlug,
    status,
    method: method || undefined,
    search: search || undefined,
    tags: tags.length ? tags : undefined,
    config: runFilter.config.length ? runFilter.config : undefined,
    evals: runFilter.evals.length ? runFilter.evals : undefined,
    sweepId,
    view,
  };
  const list = useQuery({
    ...trpc.runs.list.queryOptions({
      ...filters,
      sort: SORT_KEYS.includes(sort.key) ? (sort.key as SortKey) : 'createdAt',
      sortEval: sortEval && 'field' in sortEval ? sortEval.field : undefined,
      metricColumns: metricKeys.length ? metricKeys : undefined,
      order: sort.order,
      page,
      pageSize: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
    // An invalid filter lists nothing rather than every run: the error says what to fix.
    enabled: !runFilter.error,
  });
  const groups = useQuery({ ...trpc.runs.groups.queryOptions(filters), enabled: grouped && !runFilter.error });
  const invalidate = useThrottledInvalidate(700);
  useSubscription(
    trpc.runs.watchAll.subscriptionOptions(undefined, {
      onData: () => {
        invalidate(trpc.runs.list.queryKey());
        invalidate(trpc.runs.groups.queryKey());
      },
    }),
  );
  const afterChange = () => {
    setSelected([]);
    invalidate(trpc.runs.list.queryKey());
  };
  const remove = useMutation(trpc.runs.delete.mutationOptions({ onSuccess: afterChange }));
  const restore = useMutation(trpc.runs.restore.mutationOptions({ onSuccess: afterChange }));

  const resetPage = () => {
    setPage(0);
    setSelected([]);
  };
  const toggleStatus = (value: Status) => {
    resetPage();
    setStatus((current) => (current.includes(value) ? current.filter((s) => s !== value) : [...current, value]));
  };
  const toggleSelected = (id: string) => setSelected((current) => (current.includes(id) ? current.filter((s) => s !== id) : [...current, id]));
  const sortBy = (key: string) => {
    setPage(0);
    setSort((current) => ({ key, order: current.key === key && current.order === 'desc' ? 'asc' : 'desc' }));
  };
  const addColumn = () => {
    const parsed = parseColumn(newColumn);
    if ('error' in parsed) return setColumnError(parsed.error);
    setColumnError(undefined);
    setNewColumn('');
    if (!columns.some((c) => c.id === parsed.id)) setColumnIds([...columnIds, parsed.id]);
  };
  const removeColumn = (id: string) => {
    setColumnIds(columns.filter((c) => c.id !== id).map((c) => c.id));
    if (sort.key === id) setSort({ key: 'createdAt', order: 'desc' });
  };
  const header = (key: string, label: string) => (
    <th className="px-3 py-2 text-left font-medium">
      <button type="button" onClick={() => sortBy(key)} className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-slate-900">
        {label}
        {sort.key === key && <span aria-hidden>{sort.order === 'asc' ? '▲' : '▼'}</span>}
      </button>
    </th>
  );

  // While the filter is invalid nothing is listed: the count of the last valid filter would mislead.
  const total = runFilter.error ? 0 : (list.data?.total ?? 0);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const now = Date.now();
  const filtered = status.length > 0 || Boolean(method || search || tags.length || filterText.trim() || sweepId);
  const pageIds = list.data?.runs.map((r) => r.id) ?? [];
  const allSelected = pageIds.length > 0 && pageIds.every((id) => selected.includes(id));

  return (
    <div className="space-y-4">
      {sweepId && (
        <p className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="runs-sweep">
          The runs of sweep <span className="font-mono">{sweepId.slice(0, 8)}</span>.{' '}
          <Link href={`/benchmarks?sweep=${encodeURIComponent(sweepId)}`} className="font-medium text-indigo-600 hover:underline">
            Benchmark table of this sweep
          </Link>{' '}
          (a row per combination of the swept fields) ·{' '}
          <Link href="/runs" className="font-medium text-indigo-600 hover:underline">
            All runs
          </Link>
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <div className="flex flex-wrap gap-1.5">
          {STATUSES.map((value) => (
            <button
              key={value}
              type="button"
              onClick={() => toggleStatus(value)}
              className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset ${
                status.includes(value) ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-surface text-slate-600 ring-slate-300 hover:bg-slate-50'
              }`}
            >
              {value}
            </button>
          ))}
        </div>
        <select
          aria-label="Method"
          value={method}
          onChange={(e) => {
            resetPage();
            setMethod(e.target.value);
          }}
          className="rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm"
        >
          <option value="">All methods</option>
          {presets.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.name}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder="Search by name"
          value={search}
          onChange={(e) => {
            resetPage();
            setSearch(e.target.value);
          }}
          className="w-44 rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm"
        />
        <input
          aria-label="Filter"
          title="Comma-separated: eval.<protocol>.<layer> with > >= < <= = (layer best: the best layer), or a config field = value"
          placeholder="eval.linear.conv3>0.5, clustering.k=1000"
          value={filterText}
          onChange={(e) => {
            resetPage();
            setFilterText(e.target.value);
          }}
          aria-invalid={Boolean(runFilter.error)}
          className={`w-72 rounded-md border bg-surface px-2 py-1 font-mono text-xs ${runFilter.error ? 'border-rose-400' : 'border-slate-300'}`}
        />
        <label className="flex items-center gap-1.5 text-sm text-slate-600">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} /> Group by method
        </label>
        <div className="ml-auto flex items-center gap-1 rounded-md bg-slate-100 p-0.5 text-xs">
          {(['active', 'deleted'] as const).map((v) => (
            <button
              key={v}
              type="button"
              onClick={() => {
                resetPage();
                setView(v);
              }}
              className={`rounded px-2 py-1 ${view === v ? 'bg-surface font-medium text-slate-900 shadow-sm' : 'text-slate-500'}`}
            >
              {v === 'active' ? 'Runs' : 'Trash'}
            </button>
          ))}
        </div>
      </div>
      {runFilter.error && (
        <p className="rounded-md border border-rose-200 bg-rose-50 px-3 py-1.5 text-sm text-rose-700" role="alert" data-testid="filter-error">
          Filter not applied: {runFilter.error}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <label htmlFor="add-column">Add column</label>
        <input
          id="add-column"
          list="run-column-options"
          value={newColumn}
          onChange={(e) => setNewColumn(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              addColumn();
            }
          }}
          placeholder="eval.linear.conv3, clustering.k, dataset"
          className="w-64 rounded-md border border-slate-300 bg-surface px-2 py-1 font-mono text-xs"
        />
        <datalist id="run-column-options">
          {SUGGESTED_COLUMNS.map((id) => (
            <option key={id} value={id} />
          ))}
        </datalist>
        <Button variant="secondary" onClick={addColumn} disabled={!newColumn.trim()}>
          Add
        </Button>
        {columnError && (
          <span className="text-xs text-rose-600" data-testid="column-error">
            {columnError}
          </span>
        )}
      </div>
      {tags.length > 0 && (
        <div className="flex items-center gap-2 text-sm text-slate-600">
          Tagged <TagList tags={tags} onRemove={(tag) => setTags(tags.filter((t) => t !== tag))} />
        </div>
      )}
      {grouped && groups.data && (
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-4" data-testid="run-groups">
          {groups.data.map((group) => (
            <button
              key={group.method}
              type="button"
              onClick={() => {
                resetPage();
                setMethod(group.method === method ? '' : group.method);
              }}
              className={`rounded-lg border bg-surface p-3 text-left shadow-sm hover:border-indigo-300 ${group.method === method ? 'border-indigo-500 ring-1 ring-indigo-500' : 'border-slate-200'}`}
            >
              <div className="flex items-baseline justify-between">
                <span className="font-medium">{presets.find((p) => p.id === group.method)?.name ?? group.method}</span>
                <span className="text-sm tabular-nums text-slate-500">{group.total}</span>
              </div>
              <div className="mt-1 flex flex-wrap gap-2 text-xs text-slate-500">
                {Object.entries(group.byStatus).map(([s, n]) => (
                  <span key={s}>
                    {n} {s}
                  </span>
                ))}
              </div>
            </button>
          ))}
        </div>
      )}
      <div className="flex min-h-8 items-center gap-2 text-sm">
        <span className="text-slate-500">
          {total} run{total === 1 ? '' : 's'}
          {selected.length > 0 && ` · ${selected.length} selected`}
        </span>
        {selected.length > 0 && view === 'active' && (
          <>
            <Button variant="secondary" disabled={selected.length < 2} onClick={() => router.push(`/compare?ids=${selected.join(',')}`)} title="Pick 2 or more runs">
              Compare {selected.length}
            </Button>
            <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ ids: selected })}>
              Move to trash
            </Button>
          </>
        )}
        {selected.length > 0 && view === 'deleted' && (
          <Button variant="secondary" disabled={restore.isPending} onClick={() => restore.mutate({ ids: selected })}>
            Restore {selected.length}
          </Button>
        )}
      </div>
      <ErrorNotice error={list.error ?? remove.error ?? restore.error} />
      {list.data && list.data.total === 0 && !filtered && view === 'active' ? (
        <EmptyState title="No runs yet">
          <Link href="/runs/new" className="font-medium text-indigo-600 hover:underline">
            Launch a run
          </Link>{' '}
          — start with the “Worker check” preset to see a worker train live.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-surface shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="runs-table">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="w-8 px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? selected.filter((id) => !pageIds.includes(id)) : [...new Set([...selected, ...pageIds])])}
                  />
                </th>
                {header('name', 'Name')}
                {header('method', 'Method')}
                {header('status', 'Status')}
                {columns.map((column) => (
                  <th key={column.id} className={`whitespace-nowrap px-3 py-2 font-medium ${column.kind === 'eval' || column.kind === 'metric' ? 'text-right' : 'text-left'}`} data-testid={`column-${column.id}`}>
                    {column.kind === 'eval' ? (
                      <button type="button" onClick={() => sortBy(column.id)} className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-slate-900" title={`Sort by ${column.id}`}>
                        {columnLabel(column)}
                        {sort.key === column.id && <span aria-hidden>{sort.order === 'asc' ? '▲' : '▼'}</span>}
                      </button>
                    ) : (
                      columnLabel(column)
                    )}
                    <button type="button" onClick={() => removeColumn(column.id)} aria-label={`Remove column ${column.id}`} className="ml-1 text-slate-400 hover:text-rose-600">
                      ×
                    </button>
                  </th>
                ))}
                <th className="px-3 py-2 text-left font-medium">Tags</th>
                <th className="px-3 py-2 text-left font-medium">Worker</th>
                {header('createdAt', 'Created')}
                <th className="px-3 py-2 text-left font-medium">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.isLoading && (
                <tr>
                  <td colSpan={8 + columns.length} className="px-3 py-6 text-center text-slate-400">
                    Loading runs…
                  </td>
                </tr>
              )}
              {runFilter.error && (
                <tr>
                  <td colSpan={8 + columns.length} className="px-3 py-6 text-center text-slate-400">
                    Fix the filter above to list runs.
                  </td>
                </tr>
              )}
              {!runFilter.error && list.data?.runs.length === 0 && (
                <tr>
                  <td colSpan={8 + columns.length} className="px-3 py-6 text-center text-slate-400">
                    {view === 'deleted' ? 'The trash is empty.' : 'No run matches these filters.'}
                  </td>
                </tr>
              )}
              {!runFilter.error && list.data?.runs.map((run) => (
                <tr key={run.id} data-testid={`run-row-${run.id}`} className={selected.includes(run.id) ? 'bg-indigo-50/50' : 'hover:bg-slate-50'}>
                  <td className="px-3 py-2">
                    <input type="checkbox" aria-label={`Select ${run.name}`} checked={selected.includes(run.id)} onChange={() => toggleSelected(run.id)} />
                  </td>
                  <td className="px-3 py-2 font-medium">
                    <Link href={`/runs/${run.id}`} className="text-indigo-700 hover:underline">
                      {run.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2 text-slate-600">{run.method}</td>
                  <td className="px-3 py-2">
                    <StatusBadge status={run.status} />
                    {run.attempt > 1 && <span className="ml-2 text-xs text-slate-400">attempt {run.attempt}</span>}
                    {run.importedFrom && (
                      <span className="ml-2 text-xs text-slate-500" title={`Ran outside the portal (${run.importedFrom}) and was published into it`}>
                        imported
                      </span>
                    )}
                    {run.waitingFor && (
                      <span className="mt-0.5 block text-xs text-amber-700" data-testid="run-waiting-for" title="No online worker can run it yet">
                        waiting for {run.waitingFor}
                      </span>
                    )}
                  </td>
                  {columns.map((column) => {
                    if (column.kind === 'dataset') {
                      return (
                        <td key={column.id} className="px-3 py-2 text-slate-600" title={run.dataset?.path}>
                          {run.dataset ? run.dataset.name ?? <span className="font-mono text-xs">{run.dataset.path}</span> : '—'}
                        </td>
                      );
                    }
                    if (column.kind === 'config') {
                      return (
                        <td key={column.id} className="px-3 py-2 font-mono text-xs text-slate-600">
                          {showConfigValue(configAt(run.config, column.path))}
                        </td>
                      );
                    }
                    if (column.kind === 'metric') {
                      const logged = run.metrics[column.key];
                      return (
                        <td key={column.id} className="px-3 py-2 text-right tabular-nums text-slate-700">
                          {logged === undefined ? '—' : formatMetricValue(column.key, logged)}
                        </td>
                      );
                    }
                    const value = evalValue(run.evalResults, column.field);
                    return (
                      <td key={column.id} className="px-3 py-2 text-right tabular-nums text-slate-700">
                        {value === undefined ? '—' : column.field.metric.startsWith('top') ? formatPercent(value) : value.toFixed(3)}
                      </td>
                    );
                  })}
                  <td className="px-3 py-2">
                    <TagList tags={run.tags} onSelect={(tag) => !tags.includes(tag) && (resetPage(), setTags([...tags, tag]))} />
                  </td>
                  <td className="px-3 py-2 text-slate-600" title={run.claimedBy ? 'running on this worker' : run.lastWorkerName ? 'last ran on this worker' : undefined}>
                    {run.claimedBy?.name ?? run.lastWorkerName ?? '—'}
                  </td>
                  <td className="px-3 py-2 text-slate-600">{formatTime(run.createdAt)}</td>
                  <td className="px-3 py-2 tabular-nums text-slate-600">{runDuration(run, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <div className="flex items-center justify-end gap-2 text-sm">
          <Button variant="secondary" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
            Previous
          </Button>
          <span className="text-slate-500">
            Page {page + 1} of {pages}
          </span>
          <Button variant="secondary" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
            Next
          </Button>
        </div>
      )}
    </div>
  );
}
