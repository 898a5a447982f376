'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatGiB } from '@ktlab/config';
import { formatDuration } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { EmptyState, ErrorNotice } from './ui/card';

export function WorkersList() {
  const trpc = useTRPC();
  const workers = useQuery({ ...trpc.workers.list.queryOptions(), refetchInterval: 5_000 });
  if (workers.isLoading) return <p className="text-sm text-slate-500">Loading workers…</p>;
  if (workers.error) return <ErrorNotice error={workers.error} />;
  if (!workers.data?.length) {
    return (
      <EmptyState title="No worker has connected yet">
        Start one with <code className="font-mono">KTLAB_PORTAL_URL=… KTLAB_WORKER_TOKEN=… npx tsx apps/trainer/src/main.ts</code>; an administrator creates tokens under{' '}
        <Link href="/settings" className="font-medium text-indigo-600 hover:underline">
          Settings
        </Link>
        .
      </EmptyState>
    );
  }
  const now = Date.now();
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-surface shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="workers-table">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            {['Worker', 'Host', 'Backend', 'Capabilities', 'Current run', 'Last heartbeat', 'Token'].map((h) => (
              <th key={h} className="px-3 py-2 text-left font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {workers.data.map((worker) => (
            <tr key={worker.id} className={worker.online ? '' : 'text-slate-400'} data-online={worker.online}>
              <td className="px-3 py-2 font-medium">
                <span className={`mr-2 inline-block h-2 w-2 rounded-full ${worker.online ? 'bg-emerald-500' : 'bg-slate-300'}`} />
                {worker.name}
              </td>
              <td className="px-3 py-2">{worker.host}</td>
              <td className="px-3 py-2">
                <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{worker.backend ?? 'unknown'}</span>
              </td>
              <td className="px-3 py-2" data-testid="worker-capabilities">
                {worker.capabilities ? (
                  <span className="whitespace-nowrap">
                    <span
                      className={`mr-1.5 rounded px-1.5 py-0.5 text-xs font-semibold ${
                        worker.capabilities.accelerator === 'gpu' ? 'bg-violet-100 text-violet-800' : 'bg-slate-100 text-slate-700'
                      }`}
                    >
                      {worker.capabilities.accelerator.toUpperCase()}
                    </span>
                    {[
                      worker.capabilities.cpuCores !== null && `${worker.capabilities.cpuCores} cores`,
                      worker.capabilities.memoryBytes !== null && `${formatGiB(worker.capabilities.memoryBytes)} RAM`,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                ) : (
                  <span className="text-xs text-slate-400" title="This trainer reported no capabilities; it claims only runs without requirements">
                    not reported
                  </span>
                )}
              </td>
              <td className="px-3 py-2">
                {worker.currentRun ? (
                  <Link href={`/runs/${worker.currentRun.id}`} className="text-indigo-700 hover:underline">
                    {worker.currentRun.name}
                  </Link>
                ) : worker.busy ? (
                  'busy (another project)'
                ) : (
                  'idle'
                )}
              </td>
              <td className="px-3 py-2 tabular-nums">{formatDuration(now - worker.lastHeartbeat.getTime())} ago</td>
              <td className="px-3 py-2">
                {worker.tokenLabel}
                {worker.tokenRevoked && <span className="ml-1 text-xs text-rose-600">revoked</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
