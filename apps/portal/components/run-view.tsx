'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { describeRequiredWorker, hasRequirements, WORKER_STAGE_KINDS, type Requirements } from '@ktlab/config';
import { runEta, stageEta } from '../lib/eta';
import { figureCaption } from '../lib/figure-captions';
import { downloadGroups, formatBytes, isDownloadKind } from '../lib/run-downloads';
import { formatDuration, formatMetricValue, formatTime, runDuration } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { useThrottledInvalidate } from '../lib/use-throttled-invalidate';
import { EvalTable } from './eval-table';
import { MetricChart } from './metric-chart';
import { RunLogs } from './run-logs';
import { RunShards } from './run-shards';
import { Card, EmptyState, ErrorNotice } from './ui/card';
import { Button } from './ui/button';
import { StatusBadge } from './ui/status-badge';
import { TagInput } from './ui/tag-input';
import { TagList } from './ui/tag-list';

/** Where a stage kind stands in execution order (ties between stages reported with the same ordinal). */
const stageRank = (kind: string): number => (WORKER_STAGE_KINDS as readonly string[]).indexOf(kind);

/** The current time, ticking every `intervalMs` while `enabled` (ETAs count down between progress reports). */
function useNow(enabled: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [enabled, intervalMs]);
  return now;
}

export function RunView({ runId }: { runId: string }) {
  const trpc = useTRPC();
  // A run waiting for a kind of worker no run event announces (a worker coming online): poll until it is served.
  const run = useQuery({ ...trpc.runs.get.queryOptions({ id: runId }), refetchInterval: (query) => (query.state.data?.waitingFor ? 5_000 : false) });
  const invalidate = useThrottledInvalidate(500);
  const [smoothing, setSmoothing] = useState(0);
  const [logScale, setLogScale] = useState(false);
  useSubscription(
    trpc.runs.watch.subscriptionOptions(
      { runId },
      {
        onData: (event) => {
          if (event.type === 'metrics') {
            for (const key of event.keys ?? []) invalidate(trpc.runs.metricSeries.queryKey({ runId, key }));
            // A new key, or a single value that became a curve, changes the page's layout.
            const single = new Set(run.data?.singleValues.map((metric) => metric.key));
            if (event.keys?.some((key) => !run.data?.metricKeys.includes(key) || single.has(key))) invalidate(trpc.runs.get.queryKey({ id: runId }));
          } else invalidate(trpc.runs.get.queryKey({ id: runId }));
        },
      },
    ),
  );
  const refresh = () => invalidate(trpc.runs.get.queryKey({ id: runId }));
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: refresh }));
  const trash = useMutation(trpc.runs.delete.mutationOptions({ onSuccess: refresh }));
  const restore = useMutation(trpc.runs.restore.mutationOptions({ onSuccess: refresh }));
  const setTags = useMutation(trpc.runs.setTags.mutationOptions({ onSuccess: refresh }));
  const now = useNow(run.data?.status === 'running');
  const hasNeighbourFigure = Boolean(run.data?.artifacts.some((artifact) => artifact.name === 'cluster-neighbours.png'));
  // The neighbours figure's rows are named from the cluster summary (which cluster each row is).
  const clusterSummary = useQuery({ ...trpc.runs.clusters.queryOptions({ runId, page: 0, pageSize: 1 }), enabled: hasNeighbourFigure });
  const neighbourRows = clusterSummary.data?.available ? clusterSummary.data.neighbourFigureRows : undefined;

  if (run.isLoading) return <p className="text-sm text-slate-500">Loading run…</p>;
  if (run.error) return <ErrorNotice error={run.error} />;
  const data = run.data!;
  const active = data.status === 'queued' || data.status === 'running';
  const stages = [...data.stages].sort((a, b) => a.ordinal - b.ordinal || stageRank(a.kind) - stageRank(b.kind));
  const singleKeys = new Set(data.singleValues.map((metric) => metric.key));
  const curveKeys = data.metricKeys.filter((key) => !singleKeys.has(key));
  const figures = data.artifacts.filter((artifact) => artifact.kind === 'figure');
  const downloads = downloadGroups(data.artifacts);
  const files = data.artifacts.filter((artifact) => artifact.kind !== 'clusters' && !isDownloadKind(artifact.kind));
  const clusterFiles = data.artifacts.filter((artifact) => artifact.kind === 'clusters').length;
  const sections = [
    { id: 'stages', label: 'Stages' },
    { id: 'logs', label: 'Logs' },
    { id: 'metrics', label: 'Metrics' },
    ...(data.evalResults.length > 0 ? [{ id: 'evaluation', label: 'Evaluation' }] : []),
    ...(downloads.length > 0 ? [{ id: 'downloads', label: 'Downloads' }] : []),
    ...(figures.length > 0 ? [{ id: 'figures', label: 'Figures' }] : []),
    ...(files.length > 0 || clusterFiles > 0 ? [{ id: 'files', label: 'Files' }] : []),
    { id: 'config', label: 'Config' },
  ];
  const remaining = data.status === 'running' ? runEta(stages, now) : undefined;
  const requirements = (data.config as { requirements?: Requirements } | null)?.requirements;
  const hasClusters = data.artifacts.some((artifact) => artifact.name === 'clusters-summary.json') || stages.some((stage) => (stage.kind === 'kmeans' || stage.kind === 'pseudo-labels') && stage.status !== 'skipped');

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm text-slate-500">
            <Link href="/runs" className="hover:underline">
              Runs
            </Link>{' '}
            / {data.method}
          </p>
          <h1 className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 break-all text-2xl font-semibold tracking-tight">
            {data.name} <StatusBadge status={data.status} />
          </h1>
          <p className="mt-1 text-sm text-slate-500">
            Created {formatTime(data.createdAt)} · duration {runDuration(data)} · attempt {data.attempt}
            {data.claimedBy ? ` · on ${data.claimedBy.name} (${data.claimedBy.backend ?? 'unknown backend'})` : data.lastWorkerName ? ` · ran on ${data.lastWorkerName}` : ''}
            {data.importedFrom && <span data-testid="run-imported"> · ran outside the portal ({data.importedFrom}) and was published into it</span>}
            {hasRequirements(requirements) && <span data-testid="run-requirements"> · requires {describeRequiredWorker(requirements)}</span>}
            {data.queuePosition !== undefined ? ` · ${data.queuePosition} run(s) ahead in the queue` : ''}
            {data.cancelRequested && data.status === 'running' ? ' · cancelling…' : ''}
            {remaining !== undefined && <span data-testid="run-eta"> · about {formatDuration(remaining)} left</span>}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {hasClusters && (
            <Link href={`/runs/${runId}/clusters`} className="rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
              Clusters
            </Link>
          )}
          <Link href={`/runs/new?from=${runId}`} className="rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50">
            Clone config
          </Link>
          {active && (
            <Button variant="secondary" onClick={() => cancel.mutate({ id: runId })} disabled={cancel.isPending || data.cancelRequested}>
              Cancel run
            </Button>
          )}
          {!active && !data.deletedAt && (
            <Button variant="danger" onClick={() => trash.mutate({ ids: [runId] })} disabled={trash.isPending}>
              Move to trash
            </Button>
          )}
          {data.deletedAt && (
            <Button variant="secondary" onClick={() => restore.mutate({ ids: [runId] })} disabled={restore.isPending}>
              Restore
            </Button>
          )}
        </div>
      </div>
      {data.deletedAt && (
        <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          This run is in the trash since {formatTime(data.deletedAt)}: hidden from the runs table and the benchmark tables until restored.
        </div>
      )}
      <div className="flex items-center gap-2 text-sm text-slate-600">
        Tags <TagList tags={data.tags} onRemove={(tag) => setTags.mutate({ id: runId, tags: data.tags.filter((t) => t !== tag) })} />
        <TagInput onAdd={(tag) => setTags.mutate({ id: runId, tags: [...data.tags, tag] })} />
      </div>
      <nav aria-label="Run sections" className="sticky top-0 z-10 -mx-1 flex flex-wrap gap-1 border-b border-slate-200 bg-surface/95 px-1 py-2 text-sm backdrop-blur" data-testid="run-sections">
        {sections.map((section) => (
          <a key={section.id} href={`#${section.id}`} className="rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
            {section.label}
          </a>
        ))}
      </nav>
      <ErrorNotice error={cancel.error ?? trash.error ?? restore.error ?? setTags.error} />
      {data.waitingFor && (
        <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="run-waiting-for">
          Waiting for {data.waitingFor}: no online worker can run it{hasRequirements(requirements) ? ' (see the requirements above and the workers’ capabilities under ' : ' (start a trainer; see '}
          <Link href="/workers" className="font-medium underline">
            Workers
          </Link>
          ).
        </div>
      )}
      {data.error && (
        <div className="rounded-md border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">
          <p className="font-medium">The run failed</p>
          <pre className="mt-1 whitespace-pre-wrap font-mono text-xs">{data.error}</pre>
        </div>
      )}
      <div id="stages" className="scroll-mt-14">
      <Card title="Stages">
        {stages.length === 0 ? (
          <p className="text-sm text-slate-500">{data.status === 'queued' ? 'Waiting for a worker to claim the run.' : 'No stage reported yet.'}</p>
        ) : (
          <ol className="flex flex-wrap gap-3">
            {stages.map((stage) => {
              const eta = stageEta(stage, now);
              return (
                <li key={stage.id} className="min-w-44 flex-1 rounded-md border border-slate-200 p-3" data-testid={`stage-${stage.kind}`}>
                  <div className="flex items-center justify-between text-sm">
                    <span className="font-medium">{stage.kind}</span>
                    <StatusBadge status={stage.status} />
                  </div>
                  <div className="mt-2 h-1.5 overflow-hidden rounded bg-slate-100">
                    <div className="h-full bg-indigo-500 transition-all" style={{ width: `${Math.round(stage.progress * 100)}%` }} />
                  </div>
                  <p className="mt-1 text-xs text-slate-500">
                    {Math.round(stage.progress * 100)}%
                    {eta !== undefined && <span data-testid={`eta-${stage.kind}`}> · ~{formatDuration(eta)} left</span>}
                    {stage.message ? ` · ${stage.message}` : ''}
                  </p>
                </li>
              );
            })}
          </ol>
        )}
      </Card>
      </div>
      <RunShards runId={runId} active={active} />
      <div id="logs" className="scroll-mt-14">
        <RunLogs runId={runId} active={active} />
      </div>
      <div id="metrics" className="scroll-mt-14">
      <Card
        title="Metrics"
        actions={
          <>
            <label className="flex items-center gap-2 text-xs text-slate-600">
              Smoothing
              <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} />
              <span className="w-8 tabular-nums">{smoothing.toFixed(2)}</span>
            </label>
            <label className="flex items-center gap-1 text-xs text-slate-600">
              <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> log scale
            </label>
          </>
        }
      >
        {data.metricKeys.length === 0 ? (
          data.importedFrom ? (
            <EmptyState title="No metrics">This run ran outside the portal and was published into it: its metric series stayed in its run folder.</EmptyState>
          ) : (
            <EmptyState title="No metrics yet">Charts appear here as soon as the worker reports its first points.</EmptyState>
          )
        ) : (
          <div className="space-y-4">
            {data.singleValues.length > 0 && (
              <div>
                <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Single values (logged once)</h3>
                <EvalTable
                  testId="single-values"
                  corner="Metric"
                  columns={[{ key: 'value', label: 'Value' }]}
                  rowLabelClassName="font-mono text-xs text-slate-700"
                  rows={data.singleValues.map((metric) => ({ key: metric.key, label: metric.key, cells: { value: { content: formatMetricValue(metric.key, metric.value) } } }))}
                />
              </div>
            )}
            {curveKeys.length > 0 && (
              <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
                {curveKeys.map((key) => (
                  <MetricChart key={key} runId={runId} metricKey={key} smoothing={smoothing} logScale={logScale} />
                ))}
              </div>
            )}
          </div>
        )}
      </Card>
      </div>
      {data.evalResults.length > 0 && (
        <div id="evaluation" className="scroll-mt-14">
          <Card title="Evaluation">
            <div className="space-y-5">
              {data.testSets.map((testSet) => {
                const results = data.evalResults.filter((r) => r.dataset === testSet.dataset);
                const layers = [...new Set(results.map((r) => r.layer))];
                const protocols = [...new Set(results.map((r) => `${r.protocol}|${r.metric}`))];
                return (
                  <section key={testSet.dataset} data-testid="run-eval-set">
                    <h3 className="mb-1 text-sm font-medium text-slate-800">
                      Test set: <span data-testid="test-set-label">{testSet.label}</span>
                      <span className="ml-1 font-normal text-slate-500">({testSet.images === null ? 'size not known: register the dataset to see it' : `${testSet.images.toLocaleString('en-US')} images`})</span>
                    </h3>
                    <EvalTable
                      testId="run-eval"
                      corner="Protocol (top-1 in %)"
                      columns={layers.map((layer) => ({ key: layer, label: layer }))}
                      rows={protocols.map((key) => {
                        const [protocol, metric] = key.split('|');
                        return {
                          key,
                          label: metric === 'top1' ? protocol : `${protocol} · ${metric}`,
                          cells: Object.fromEntries(
                            layers.map((layer) => {
                              const cell = results.find((r) => r.protocol === protocol && r.metric === metric && r.layer === layer);
                              return [layer, cell ? { content: formatMetricValue(metric, cell.value) } : undefined];
                            }),
                          ),
                        };
                      })}
                    />
                  </section>
                );
              })}
            </div>
          </Card>
        </div>
      )}
      {downloads.length > 0 && (
        <div id="downloads" className="scroll-mt-14">
          <Card title="Downloads">
            <div className="space-y-4" data-testid="run-downloads">
              {downloads.map((group) => (
                <section key={group.kind} data-testid={`downloads-${group.kind}`}>
                  <h3 className="text-sm font-medium text-slate-800">{group.label}</h3>
                  <p className="mt-0.5 text-xs text-slate-500">{group.description}</p>
                  <ul className="mt-1 divide-y divide-slate-100 text-sm">
                    {group.files.map((artifact) => (
                      <li key={artifact.id} className="flex items-center justify-between gap-4 py-1.5">
                        <a href={`/api/artifacts/${artifact.id}`} className="break-all font-mono text-indigo-700 hover:underline" download={artifact.name} data-testid={`download-${artifact.name}`}>
                          {artifact.name}
                        </a>
                        <span className="shrink-0 text-xs text-slate-500">
                          {artifact.kind} · {formatBytes(artifact.bytes)}
                        </span>
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          </Card>
        </div>
      )}
      {figures.length > 0 && (
        <div id="figures" className="scroll-mt-14">
          <Card title="Figures">
            <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
              {figures.map((artifact) => (
                <figure key={artifact.id} className="rounded-md border border-slate-200 p-2" data-testid={`figure-${artifact.name}`}>
                  <img src={`/api/artifacts/${artifact.id}`} alt={figureCaption(artifact.name, data.config, neighbourRows) ?? artifact.name} className="mx-auto max-h-96 rounded-sm bg-white [image-rendering:pixelated]" />
                  <figcaption className="mt-2 text-xs text-slate-600">
                    <span className="font-mono text-slate-500">{artifact.name}</span>
                    {figureCaption(artifact.name, data.config, neighbourRows) && <span className="block">{figureCaption(artifact.name, data.config, neighbourRows)}</span>}
                  </figcaption>
                </figure>
              ))}
            </div>
          </Card>
        </div>
      )}
      {(files.length > 0 || clusterFiles > 0) && (
        <div id="files" className="scroll-mt-14">
        <Card title="Files">
          <ul className="divide-y divide-slate-100 text-sm">
            {clusterFiles > 0 && (
              <li className="flex items-center justify-between py-1.5">
                <Link href={`/runs/${runId}/clusters`} className="text-indigo-700 hover:underline">
                  Cluster summary and thumbnails
                </Link>
                <span className="text-xs text-slate-500">{clusterFiles} files · shown in the cluster browser</span>
              </li>
            )}
            {files.map((artifact) => (
              <li key={artifact.id} className="flex items-center justify-between py-1.5">
                <a href={`/api/artifacts/${artifact.id}`} className="font-mono text-indigo-700 hover:underline" download={artifact.name}>
                  {artifact.name}
                </a>
                <span className="text-xs text-slate-500">
                  {artifact.kind} · {formatBytes(artifact.bytes)}
                </span>
              </li>
            ))}
          </ul>
        </Card>
        </div>
      )}
      <div id="config" className="scroll-mt-14">
        <Card title="Configuration">
          <pre className="max-h-96 overflow-auto rounded bg-slate-50 p-3 font-mono text-xs text-slate-700">{JSON.stringify(data.config, null, 2)}</pre>
        </Card>
      </div>
    </div>
  );
}
