'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { formatMetric, formatPercent } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { SizeHistogram } from './size-histogram';
import { Button } from './ui/button';
import { Card, EmptyState, ErrorNotice } from './ui/card';

const PAGE_SIZE = 50;
/** Thumbnails are shown at 1.5× their stored size (32 px → 48 px), so two columns of 8 fit a wide screen. */
const ZOOM = 1.5;

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-surface px-4 py-3 shadow-sm" data-testid={`stat-${label.toLowerCase()}`}>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums text-slate-900">{value}</p>
      {hint && <p className="mt-0.5 text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

/** One cut-out of a sprite page: the `column`-th thumbnail of the `row`-th cluster on that page. */
function Thumbnail({ spriteId, row, column, size, perCluster, title }: { spriteId: string; row: number; column: number; size: number; perCluster: number; title: string }) {
  const shown = size * ZOOM;
  return (
    <div
      title={title}
      role="img"
      aria-label={title}
      className="shrink-0 rounded-sm bg-slate-100 ring-1 ring-slate-200"
      style={{
        width: shown,
        height: shown,
        backgroundImage: `url(/api/artifacts/${spriteId})`,
        backgroundSize: `${perCluster * shown}px auto`,
        backgroundPosition: `-${column * shown}px -${row * shown}px`,
      }}
    />
  );
}

/** A k-means run's clusters: agreement with the labels, the size histogram, and every cluster's nearest images. */
export function ClusterBrowser({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(0);
  const run = useQuery(trpc.runs.get.queryOptions({ id: runId }));
  const clusters = useQuery({ ...trpc.runs.clusters.queryOptions({ runId, page, pageSize: PAGE_SIZE }), placeholderData: keepPreviousData });

  const header = (
    <div>
      <p className="text-sm text-slate-500">
        <Link href="/runs" className="hover:underline">
          Runs
        </Link>{' '}
        /{' '}
        <Link href={`/runs/${runId}`} className="hover:underline">
          {run.data?.name ?? runId}
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">Clusters</h1>
    </div>
  );
  if (clusters.isLoading) return <div className="space-y-6">{header}<p className="text-sm text-slate-500">Loading clusters…</p></div>;
  const data = clusters.data;
  if (clusters.error || !data) return <div className="space-y-6">{header}<ErrorNotice error={clusters.error} /></div>;
  if (!data.available) {
    return (
      <div className="space-y-6">
        {header}
        <EmptyState title="This run has no clusters">
          Runs that train on k-means pseudo-labels (e.g. CC+Jigsaw++) show their clusters here once the pipeline has finished and uploaded them.
        </EmptyState>
      </div>
    );
  }
  const agreement = data.agreement;
  const first = data.page * data.pageSize;
  return (
    <div className="space-y-6">
      {header}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        <Stat label="k" value={String(data.k)} hint={`${data.used} used, ${data.sizeStats.empty} empty`} />
        <Stat label="Images" value={data.images.toLocaleString()} hint={`median cluster ${formatMetric(data.sizeStats.median)}`} />
        <Stat label="Imbalance" value={formatMetric(data.sizeStats.imbalance)} hint={`sizes ${data.sizeStats.min}–${data.sizeStats.max}`} />
        {agreement ? (
          <>
            <Stat label="NMI" value={agreement.nmi.toFixed(3)} hint="vs ground-truth classes" />
            <Stat label="ARI" value={agreement.ari.toFixed(3)} hint="adjusted Rand index" />
            <Stat label="Purity" value={formatPercent(agreement.purity)} hint="share of images in their cluster's majority class" />
          </>
        ) : (
          <div className="col-span-2 rounded-lg border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-500 md:col-span-3">
            The clustered images have no class labels, so NMI, ARI and purity cannot be computed.
          </div>
        )}
      </div>
      <Card title="Cluster sizes">
        <SizeHistogram sizes={data.sizes} />
      </Card>
      <Card
        title={`Clusters by size (${first + 1}–${Math.min(first + data.pageSize, data.used)} of ${data.used})`}
        actions={
          <>
            <Button variant="secondary" onClick={() => setPage(Math.max(0, page - 1))} disabled={page === 0}>
              Previous
            </Button>
            <label className="flex items-center gap-1 text-xs text-slate-500">
              page
              <select aria-label="Page" value={data.page} onChange={(e) => setPage(Number(e.target.value))} className="rounded-md border border-slate-300 bg-surface px-1 py-0.5 text-xs">
                {Array.from({ length: data.pages }, (_, index) => (
                  <option key={index} value={index}>
                    {index + 1}
                  </option>
                ))}
              </select>
              <span data-testid="cluster-page">of {data.pages}</span>
            </label>
            <Button variant="secondary" onClick={() => setPage(Math.min(data.pages - 1, page + 1))} disabled={page >= data.pages - 1}>
              Next
            </Button>
          </>
        }
      >
        <ul className="grid grid-cols-1 gap-x-10 xl:grid-cols-2" data-testid="cluster-list">
          {data.clusters.map(({ spriteArtifactId, ...cluster }) => (
            <li key={cluster.id} className="flex items-center gap-4 border-b border-slate-100 py-2" data-testid="cluster-row">
              <div className="w-36 shrink-0 text-sm">
                <p className="font-medium text-slate-900">
                  #{cluster.rank} <span className="font-normal text-slate-500">· cluster {cluster.id}</span>
                </p>
                <p className="text-xs text-slate-500 tabular-nums">{cluster.size.toLocaleString()} images</p>
                {cluster.majorityClass !== undefined && (
                  <p className="text-xs text-slate-600">
                    {cluster.majorityClass} <span className="tabular-nums text-slate-400">{Math.round((cluster.majorityShare ?? 0) * 100)}%</span>
                  </p>
                )}
              </div>
              <div className="flex flex-wrap gap-1">
                {spriteArtifactId ? (
                  cluster.nearest.map((id, column) => (
                    <Thumbnail key={id} spriteId={spriteArtifactId} row={cluster.row} column={column} size={data.thumbSize} perCluster={data.perCluster} title={id} />
                  ))
                ) : (
                  <span className="text-xs text-slate-400">thumbnails not uploaded</span>
                )}
              </div>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
