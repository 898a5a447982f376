'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { OVERLAY_MAX_POINTS, type ComparePrefetch } from '../lib/compare-data';
import { formatMetric, formatMetricValue, formatPointDelta, isAccuracyMetric, meanStd } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { EvalTable } from './eval-table';
import { OverlayChart, SERIES_COLORS } from './overlay-chart';
import { Card, EmptyState, ErrorNotice } from './ui/card';
import { StatusBadge } from './ui/status-badge';

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value and, for runs other than the baseline, its difference from the baseline's (pp for accuracies). */
function ValueWithDelta({ name, value, baseline, isBaseline }: { name: string; value: number; baseline: number | undefined; isBaseline: boolean }) {
  const delta = baseline === undefined || isBaseline ? undefined : value - baseline;
  return (
    <span className="inline-flex flex-col items-end leading-tight">
      <span>{formatMetricValue(name, value)}</span>
      {delta !== undefined && (
        <span data-testid="delta" className={`text-xs font-normal ${delta > 0 ? 'text-emerald-700' : delta < 0 ? 'text-rose-700' : 'text-slate-500'}`}>
          {isAccuracyMetric(name) ? formatPointDelta(delta) : delta === 0 ? '±0' : `${delta > 0 ? '+' : ''}${formatMetric(delta)}`}
        </span>
      )}
      {isBaseline && <span className="text-xs font-normal text-slate-400">baseline</span>}
    </span>
  );
}

function MeanStd({ name, values }: { name: string; values: number[] }) {
  const { mean, std } = meanStd(values);
  const text = isAccuracyMetric(name) ? `${formatMetricValue(name, mean)} ± ${(std * 100).toFixed(1)}` : `${formatMetric(mean)} ± ${formatMetric(std)}`;
  return (
    <span data-testid="mean-std">
      {text}
      <span className="ml-1 text-xs font-normal text-slate-400">n={values.length}</span>
    </span>
  );
}

/**
 * Puts the reads the server started for this page (page.tsx) into the query cache once they arrive; true from
 * then on, or at once without them. Until then the queries wait rather than ask the API a second time.
 */
function usePrefetched(prefetched: Promise<ComparePrefetch> | undefined, seed: (data: ComparePrefetch) => void): boolean {
  const [arrived, setArrived] = useState<Promise<ComparePrefetch> | undefined>(undefined);
  useEffect(() => {
    if (!prefetched) return;
    let live = true;
    const done = (data: ComparePrefetch) => {
      if (!live) return;
      seed(data);
      setArrived(prefetched);
    };
    prefetched.then(done, () => done({}));
    return () => {
      live = false;
    };
    // (`seed` is a new function on every render; the promise is what the effect follows.)
  }, [prefetched]);
  return !prefetched || arrived === prefetched;
}

export function CompareView({ runIds, prefetched }: { runIds: string[]; prefetched?: Promise<ComparePrefetch> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const baselineId = useSearchParams().get('baseline') ?? undefined;
  const [smoothing, setSmoothing] = useState(0);
  const compareOptions = trpc.runs.compare.queryOptions({ ids: runIds });
  const seriesOptions = trpc.runs.compareSeries.queryOptions({ ids: runIds, maxPoints: OVERLAY_MAX_POINTS });
  const ready = usePrefetched(prefetched, (data) => {
    if (data.compare) queryClient.setQueryData(compareOptions.queryKey, data.compare);
    if (data.series) queryClient.setQueryData(seriesOptions.queryKey, data.series);
  });
  // What the server could not read is asked for here, both at once (one batched request): the curves' series
  // need only the run ids, not runs.compare's answer.
  const compare = useQuery({ ...compareOptions, enabled: runIds.length >= 2 && ready });
  const curves = useQuery({ ...seriesOptions, enabled: runIds.length >= 2 && ready });
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
  if (compare.error) return <ErrorNotice error={compare.error} />;
  // (pending: waiting for the server's read, or asking the API)
  if (!compare.data) return <p className="text-sm text-slate-500">Loading runs…</p>;
  const data = compare.data;
  const baseline = data.runs.find((run) => run.id === baselineId) ?? data.runs[0];
  // The history entry only (Next keeps useSearchParams in step): a reload or a link shows the same baseline, and
  // choosing one neither asks the server again nor re-reads the runs.
  const setBaseline = (id: string) => window.history.replaceState(null, '', `${pathname}?ids=${runIds.join(',')}&baseline=${id}`);
  const nameOf = (id: string) => data.runs.find((run) => run.id === id)?.name ?? id;
  const groups = data.seedGroups.map((ids) => ({ ids, label: `${data.runs.find((run) => run.id === ids[0])?.method} × ${ids.length} seeds` }));
  const runColumns = data.runs.map((run) => ({ key: run.id, label: run.name as ReactNode }));
  const groupColumns = groups.map((group, index) => ({
    key: `group-${index}`,
    label: (
      <span title={group.ids.map(nameOf).join(', ')}>
        {group.label}
        <span className="block font-normal normal-case tracking-normal">mean ± std</span>
      </span>
    ),
  }));

  return (
    <div className="space-y-6">
      <Card title="Runs">
        <ul className="flex flex-wrap gap-3">
          {data.runs.map((run, index) => (
            <li key={run.id} className={`flex items-center gap-2 rounded-md border px-3 py-2 text-sm ${run.id === baseline.id ? 'border-indigo-400 bg-indigo-50/50' : 'border-slate-200'}`}>
              <span className="h-2.5 w-2.5 rounded-full" style={{ background: SERIES_COLORS[index % SERIES_COLORS.length] }} />
              <Link href={`/runs/${run.id}`} className="font-medium text-indigo-700 hover:underline">
                {run.name}
              </Link>
              <span className="text-slate-500">{run.method}</span>
              <StatusBadge status={run.status} />
            </li>
          ))}
        </ul>
        <div className="mt-3 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm text-slate-600">
          <label className="flex items-center gap-2">
            Baseline for the differences
            <select aria-label="Baseline" value={baseline.id} onChange={(e) => setBaseline(e.target.value)} className="rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm">
              {data.runs.map((run) => (
                <option key={run.id} value={run.id}>
                  {run.name}
                </option>
              ))}
            </select>
          </label>
          {groups.length > 0 && (
            <span data-testid="seed-groups">
              Seeds of one config: {groups.map((group) => `${group.ids.map(nameOf).join(', ')}`).join('; ')}
            </span>
          )}
        </div>
      </Card>
      <Card title="Evaluation">
        {data.testSets.length === 0 ? (
          <p className="text-sm text-slate-500">No evaluation results yet.</p>
        ) : (
          <div className="space-y-6">
            {data.testSets.map((testSet) => {
              const results = data.runs.flatMap((run) => run.evalResults.filter((r) => r.dataset === testSet.dataset).map((r) => ({ ...r, runId: run.id })));
              const rowKeys = [...new Set(results.map((r) => `${r.protocol}|${r.layer}|${r.metric}`))].sort();
              return (
                <section key={testSet.dataset} data-testid="compare-eval-set">
                  <h3 className="mb-2 text-sm font-medium text-slate-800">
                    Test set: <span data-testid="test-set-label">{testSet.label}</span>
                    <span className="ml-1 font-normal text-slate-500">({testSet.images === null ? 'size not known: register the dataset to see it' : `${testSet.images.toLocaleString('en-US')} images`})</span>
                  </h3>
                  <EvalTable
                    testId="compare-eval"
                    corner="Protocol · layer (top-1 in %)"
                    columns={[...runColumns, ...groupColumns]}
                    rowLabelClassName="text-slate-700"
                    rows={rowKeys.map((key) => {
                      const [protocol, layer, metric] = key.split('|');
                      const valueOf = (runId: string) => results.find((r) => r.runId === runId && r.protocol === protocol && r.layer === layer && r.metric === metric)?.value;
                      const values = data.runs.map((run) => valueOf(run.id));
                      const present = values.filter((v): v is number => v !== undefined);
                      const best = Math.max(...present);
                      const base = valueOf(baseline.id);
                      return {
                        key,
                        label: [protocol, layer, metric === 'top1' ? undefined : metric].filter(Boolean).join(' · '),
                        cells: {
                          ...Object.fromEntries(
                            data.runs.map((run, index) => {
                              const value = values[index];
                              if (value === undefined) return [run.id, undefined];
                              return [run.id, { content: <ValueWithDelta name={metric} value={value} baseline={base} isBaseline={run.id === baseline.id} />, bold: value === best && present.length > 1 }];
                            }),
                          ),
                          ...Object.fromEntries(
                            groups.map((group, index) => {
                              const groupValues = group.ids.map(valueOf).filter((v): v is number => v !== undefined);
                              return [`group-${index}`, groupValues.length ? { content: <MeanStd name={metric} values={groupValues} /> } : undefined];
                            }),
                          ),
                        },
                      };
                    })}
                  />
                </section>
              );
            })}
          </div>
        )}
      </Card>
      {data.summaryMetrics.length > 0 && (
        <Card title="Single-value metrics">
          <EvalTable
            testId="compare-summary"
            corner="Metric"
            columns={[...runColumns, ...groupColumns]}
            rowLabelClassName="font-mono text-xs text-slate-700"
            rows={data.summaryMetrics.map((metric) => {
              const base = metric.values[data.runs.findIndex((run) => run.id === baseline.id)] ?? undefined;
              return {
                key: metric.key,
                label: metric.key,
                cells: {
                  ...Object.fromEntries(
                    data.runs.map((run, index) => {
                      const value = metric.values[index];
                      return [run.id, value === null ? undefined : { content: <ValueWithDelta name={metric.key} value={value} baseline={base} isBaseline={run.id === baseline.id} /> }];
                    }),
                  ),
                  ...Object.fromEntries(
                    groups.map((group, index) => {
                      const groupValues = group.ids.map((id) => metric.values[data.runs.findIndex((run) => run.id === id)]).filter((v): v is number => v !== null && v !== undefined);
                      return [`group-${index}`, groupValues.length ? { content: <MeanStd name={metric.key} values={groupValues} /> } : undefined];
                    }),
                  ),
                },
              };
            })}
          />
        </Card>
      )}
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
        title="Curves"
        actions={
          <label className="flex items-center gap-2 text-xs text-slate-600">
            Smoothing
            <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
          </label>
        }
      >
        {data.commonMetricKeys.length === 0 ? (
          <p className="text-sm text-slate-500">These runs share no metric logged more than once.</p>
        ) : (
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            {data.commonMetricKeys.map((key) => (
              <OverlayChart
                key={key}
                metricKey={key}
                runs={data.runs.map((r) => ({ id: r.id, name: r.name }))}
                // (a key runs.compare found but the series read did not, when a run logged it in between: no curves)
                series={curves.data && (curves.data.curves.find((curve) => curve.key === key)?.runs ?? [])}
                error={curves.error}
                smoothing={smoothing}
              />
            ))}
          </div>
        )}
      </Card>
    </div>
  );
}
