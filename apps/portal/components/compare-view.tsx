'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { formatMetric } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { EvalTable } from './eval-table';
import { OverlayChart, SERIES_COLORS } from './overlay-chart';
import { Card, EmptyState, ErrorNotice } from './ui/card';
import { StatusBadge } from './ui/status-badge';

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function CompareView({ runIds }: { runIds: string[] }) {
  const trpc = useTRPC();
  const [smoothing, setSmoothing] = useState(0);
  const compare = useQuery({ ...trpc.runs.compare.queryOptions({ ids: runIds }), enabled: runIds.length >= 2 });
  if (runIds.length < 2) {
    return (
      <EmptyState title="Pick at least two runs">
        Tick runs in the{' '}
        <Link href="/runs" className="font-medium text-indigo-600 hover:underline">
          runs table
        </Link>{' '}
        and press Compare.
      </EmptyState>
    );
  }
  if (compare.isLoading) return <p className="text-sm text-slate-500">Loading runs…</p>;
  if (compare.error) return <ErrorNotice error={compare.error} />;
  const data = compare.data!;
  const evalKeys = [...new Set(data.runs.flatMap((run) => run.evalResults.map((r) => `${r.protocol}|${r.layer}|${r.dataset}|${r.metric}`)))].sort();
  return (
    <div className="space-y-6">
      <Card title="Runs">
        <ul className="flex flex-wrap gap-3">
          {data.runs.map((run, index) => (
            <li key={run.id} className="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm">
              <span className="h-2.5 w-2.5 rounded-full" style={{ background: SERIES_COLORS[index % SERIES_COLORS.length] }} />
              <Link href={`/runs/${run.id}`} className="font-medium text-indigo-700 hover:underline">
                {run.name}
              </Link>
              <span className="text-slate-500">{run.method}</span>
              <StatusBadge status={run.status} />
            </li>
          ))}
        </ul>
      </Card>
      <Card title={`Configuration differences (${data.configDiff.length})`}>
        {data.configDiff.length === 0 ? (
          <p className="text-sm text-slate-500">The configurations are identical.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm" data-testid="config-diff">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-2 py-1 text-left font-medium">Field</th>
                  {data.runs.map((run) => (
                    <th key={run.id} className="px-2 py-1 text-left font-medium">
                      {run.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.configDiff.map((difference) => (
                  <tr key={difference.path}>
                    <td className="px-2 py-1 font-mono text-xs text-slate-700">{difference.path}</td>
                    {difference.values.map((value, index) => (
                      <td key={index} className="px-2 py-1 font-mono text-xs">
                        {show(value)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card
        title="Metrics"
        actions={
          <label className="flex items-center gap-2 text-xs text-slate-600">
            Smoothing
            <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
          </label>
        }
      >
        {data.commonMetricKeys.length === 0 ? (
          <p className="text-sm text-slate-500">These runs share no metric.</p>
        ) : (
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            {data.commonMetricKeys.map((key) => (
              <OverlayChart key={key} metricKey={key} runs={data.runs.map((r) => ({ id: r.id, name: r.name }))} smoothing={smoothing} />
            ))}
          </div>
        )}
      </Card>
      <Card title="Evaluation">
        {evalKeys.length === 0 ? (
          <p className="text-sm text-slate-500">No evaluation results yet.</p>
        ) : (
          <EvalTable
            testId="compare-eval"
            corner="Protocol · layer · dataset · metric"
            columns={data.runs.map((run) => ({ key: run.id, label: run.name }))}
            rowLabelClassName="text-slate-700"
            rows={evalKeys.map((key) => {
              const [protocol, layer, dataset, metric] = key.split('|');
              const values = data.runs.map((run) => run.evalResults.find((r) => r.protocol === protocol && r.layer === layer && r.dataset === dataset && r.metric === metric)?.value);
              const best = Math.max(...values.filter((v): v is number => v !== undefined));
              return {
                key,
                label: [protocol, layer, dataset, metric].join(' · '),
                cells: Object.fromEntries(
                  data.runs.map((run, index) => {
                    const value = values[index];
                    return [run.id, value === undefined ? undefined : { content: formatMetric(value), bold: value === best && values.length > 1 }];
                  }),
                ),
              };
            })}
          />
        )}
      </Card>
    </div>
  );
}
