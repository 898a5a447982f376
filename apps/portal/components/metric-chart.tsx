'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { themedAxis, useChartTheme } from '../lib/chart-theme';
import { formatMetricValue, isAccuracyMetric } from '../lib/format';
import { useTRPC } from '../lib/trpc';
import { ErrorNotice } from './ui/card';

/** Exponential moving average, the smoothing users know from TensorBoard (0 = raw). */
export function smooth(values: number[], weight: number): number[] {
  if (weight <= 0) return values;
  const out = new Array<number>(values.length);
  let last = Number.NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = Number.isNaN(last) ? v : last * weight + (1 - weight) * v;
    out[i] = last;
  }
  return out;
}

export function MetricChart({ runId, metricKey, smoothing, logScale }: { runId: string; metricKey: string; smoothing: number; logScale: boolean }) {
  const trpc = useTRPC();
  const series = useQuery({ ...trpc.runs.metricSeries.queryOptions({ runId, key: metricKey, maxPoints: 2000 }), placeholderData: (p) => p });
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dataSince = useRef<number | null>(null);
  const theme = useChartTheme();

  const data = useMemo<uPlot.AlignedData>(() => {
    const points = series.data?.points ?? [];
    const positive = (v: number) => (logScale && v <= 0 ? null : v);
    return [
      points.map((p) => p.step),
      smooth(points.map((p) => p.value), smoothing).map(positive),
      points.map((p) => positive(p.min)),
      points.map((p) => positive(p.max)),
    ] as uPlot.AlignedData;
  }, [series.data, smoothing, logScale]);

  useEffect(() => {
    if (!container.current) return;
    const width = container.current.clientWidth || 480;
    const options: uPlot.Options = {
      width,
      height: 220,
      scales: { x: { time: false }, y: logScale ? { distr: 3 } : {} },
      axes: [themedAxis(theme), themedAxis(theme, { size: 60, ...(isAccuracyMetric(metricKey) ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => `${+(v * 100).toFixed(1)}%`) } : {}) })],
      legend: { show: true },
      series: [
        { label: 'step' },
        { label: metricKey, stroke: theme.primary, width: 1.5, value: (_u, v) => (v == null ? '—' : formatMetricValue(metricKey, v)) },
        { label: 'min', stroke: theme.bandEdge, width: 0.5, show: true },
        { label: 'max', stroke: theme.bandEdge, width: 0.5, show: true },
      ],
      bands: [{ series: [3, 2], fill: theme.band }],
      hooks: {
        draw: [
          (u) => {
            // Exposed for the e2e test of a 1M-point series: how long the last draw took and how many points it drew.
            if (dataSince.current === null) return;
            container.current?.setAttribute('data-render-ms', (performance.now() - dataSince.current).toFixed(1));
            container.current?.setAttribute('data-drawn-points', String(u.data[0].length));
            dataSince.current = null;
          },
        ],
      },
    };
    plot.current = new uPlot(options, data, container.current);
    const observer = new ResizeObserver(() => {
      if (container.current && plot.current) plot.current.setSize({ width: container.current.clientWidth, height: 220 });
    });
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its scale type or colour scheme changes; data updates go through setData below.
  }, [metricKey, logScale, theme]);

  useEffect(() => {
    if (!plot.current) return;
    dataSince.current = performance.now();
    plot.current.setData(data);
  }, [data]);

  const total = series.data?.total ?? 0;
  const last = series.data?.points.at(-1);
  return (
    <div className="rounded-lg border border-slate-200 bg-surface p-3 shadow-sm" data-testid={`chart-${metricKey}`}>
      <div className="mb-1 flex items-baseline justify-between">
        <h3 className="font-mono text-sm font-medium text-slate-800">{metricKey}</h3>
        <span className="text-xs text-slate-500" data-testid={`points-${metricKey}`}>
          {total} point{total === 1 ? '' : 's'}
          {series.data?.downsampled ? ' (downsampled, min/max band)' : ''}
          {last ? ` · last ${formatMetricValue(metricKey, last.value)} @ ${last.step}` : ''}
        </span>
      </div>
      {series.error && <ErrorNotice error={series.error} />}
      <div className="relative">
        <div ref={container} />
        {!series.error && total === 0 && (
          <p className="pointer-events-none absolute inset-x-0 top-1/3 text-center text-xs text-slate-400">
            {series.isLoading ? 'Loading series…' : 'No points logged yet; they appear here as the run reports them.'}
          </p>
        )}
      </div>
    </div>
  );
}
