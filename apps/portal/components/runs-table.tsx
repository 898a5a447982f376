'use client';
import { useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useState } from 'react';
import { presets } from '@ktlab/config';
import { formatTime, runDuration } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { useThrottledInvalidate } from '../lib/use-throttled-invalidate';
import { EmptyState, ErrorNotice } from './ui/card';
import { StatusBadge } from './ui/status-badge';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];
type SortKey = 'createdAt' | 'name' | 'status' | 'method';

export function RunsTable() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status[]>([]);
  const [method, setMethod] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; order: 'asc' | 'desc' }>({ key: 'createdAt', order: 'desc' });
  const [page, setPage] = useState(0);
  const pageSize = 50;
  const input = { status, method: method || undefined, search: search || undefined, sort: sort.key, order: sort.order, page, pageSize };
  const list = useQuery({ ...trpc.runs.list.queryOptions(input), placeholderData: (previous) => previous });
  const invalidate = useThrottledInvalidate(700);
  useSubscription(trpc.runs.watchAll.subscriptionOptions(undefined, { onData: () => invalidate(trpc.runs.list.queryKey()) }));

  const toggleStatus = (value: Status) => {
    setPage(0);
    setStatus((current) => (current.includes(value) ? current.filter((s) => s !== value) : [...current, value]));
  };
  const sortBy = (key: SortKey) =>
    setSort((current) => ({ key, order: current.key === key && current.order === 'desc' ? 'asc' : 'desc' }));
  const header = (key: SortKey, label: string) => (
    <th className="px-3 py-2 text-left font-medium">
      <button type="button" onClick={() => sortBy(key)} className="inline-flex items-center gap-1 hover:text-slate-900">
        {label}
        {sort.key === key && <span aria-hidden>{sort.order === 'asc' ? '▲' : '▼'}</span>}
      </button>
    </th>
  );

  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const now = Date.now();

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <div className="flex flex-wrap gap-1.5">
          {STATUSES.map((value) => (
            <button
              key={value}
              type="button"
              onClick={() => toggleStatus(value)}
              className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset ${
                status.includes(value) ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50'
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
            setPage(0);
            setMethod(e.target.value);
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
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
            setPage(0);
            setSearch(e.target.value);
          }}
          className="w-56 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        />
        <span className="ml-auto text-sm text-slate-500">{total} run{total === 1 ? '' : 's'}</span>
      </div>
      <ErrorNotice error={list.error} />
      {list.data && list.data.total === 0 && status.length === 0 && !method && !search ? (
        <EmptyState title="No runs yet">
          <Link href="/runs/new" className="font-medium text-indigo-600 hover:underline">
            Launch a run
          </Link>{' '}
          — start with the “Worker check” preset to see a worker train live.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="runs-table">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                {header('name', 'Name')}
                {header('method', 'Method')}
                {header('status', 'Status')}
                <th className="px-3 py-2 text-left font-medium">Worker</th>
                {header('createdAt', 'Created')}
                <th className="px-3 py-2 text-left font-medium">Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.isLoading && (
                <tr>
                  <td colSpan={6} className="px-3 py-6 text-center text-slate-400">
                    Loading runs…
                  </td>
                </tr>
              )}
              {list.data?.runs.length === 0 && (
                <tr>
                  <td colSpan={6} className="px-3 py-6 text-center text-slate-400">
                    No run matches these filters.
                  </td>
                </tr>
              )}
              {list.data?.runs.map((run) => (
                <tr key={run.id} className="hover:bg-slate-50">
                  <td className="px-3 py-2 font-medium">
                    <Link href={`/runs/${run.id}`} className="text-indigo-700 hover:underline">
                      {run.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2 text-slate-600">{run.method}</td>
                  <td className="px-3 py-2">
                    <StatusBadge status={run.status} />
                    {run.attempt > 1 && <span className="ml-2 text-xs text-slate-400">attempt {run.attempt}</span>}
                  </td>
                  <td className="px-3 py-2 text-slate-600">{run.claimedBy?.name ?? '—'}</td>
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
          <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)} className="rounded border border-slate-300 bg-white px-2 py-1 disabled:opacity-40">
            Previous
          </button>
          <span className="text-slate-500">
            Page {page + 1} of {pages}
          </span>
          <button type="button" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)} className="rounded border border-slate-300 bg-white px-2 py-1 disabled:opacity-40">
            Next
          </button>
        </div>
      )}
    </div>
  );
}
