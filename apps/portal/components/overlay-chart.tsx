'use client';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { themedAxis, useChartTheme } from '../lib/chart-theme';
import { formatMetricValue, isAccuracyMetric } from '../lib/format';
import { smooth } from './metric-chart';
import { ErrorNotice } from './ui/card';

export const SERIES_COLORS = ['#4f46e5', '#e11d48', '#059669', '#d97706', '#0891b2', '#7c3aed', '#db2777', '#65a30d'];

/** One run's downsampled series of the metric: each bucket's first step and mean. */
export interface OverlaySeries {
  runId: string;
  steps: number[];
  values: number[];
}

/**
 * One metric of several runs on shared axes, from the series Compare read for all its curves at once
 * (runs.compareSeries; undefined while it loads). Runs log different steps, so their series are joined on the
 * union of steps with gaps where a run has no point.
 */
export function OverlayChart({
  metricKey,
  runs,
  series,
  error,
  smoothing,
}: {
  metricKey: string;
  runs: { id: string; name: string }[];
  series: OverlaySeries[] | undefined;
  error?: { message: string } | null;
  smoothing: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useChartTheme();
  const ready = series !== undefined;

  const data = useMemo<uPlot.AlignedData | null>(() => {
    if (!series) return null;
    // one series per run, in the runs' order (a run without this key draws nothing)
    const perRun = runs.map((run) => series.find((s) => s.runId === run.id) ?? { steps: [], values: [] });
    return uPlot.join(perRun.map(({ steps, values }) => [steps, smooth(values, smoothing)] as uPlot.AlignedData));
    // The runs array is recreated on every render; its ids are what matters.
  }, [series, smoothing, runs.map((run) => run.id).join()]);

  useEffect(() => {
    if (!container.current || !data) return;
    const options: uPlot.Options = {
      width: container.current.clientWidth || 480,
      height: 220,
      scales: { x: { time: false } },
      axes: [themedAxis(theme), themedAxis(theme, { size: 60, ...(isAccuracyMetric(metricKey) ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => `${+(v * 100).toFixed(1)}%`) } : {}) })],
      series: [
        { label: 'step' },
        ...runs.map((run, index) => ({
          label: run.name,
          stroke: index === 0 ? theme.primary : SERIES_COLORS[index % SERIES_COLORS.length],
          width: 1.5,
          spanGaps: true,
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : formatMetricValue(metricKey, v)),
        })),
      ],
      hooks: {
        draw: [
          (u) => {
            // Exposed for the e2e test of 20 runs × 100k points: when (ms since navigation start) the overlay was
            // first drawn with its data, how many runs it drew, each run's drawn points and the step range.
            const el = container.current;
            if (!el || el.hasAttribute('data-drawn-at-ms')) return;
            const steps = u.data[0];
            el.setAttribute('data-series-points', u.data.slice(1).map((values) => Array.from(values as ArrayLike<number | null | undefined>).filter((v) => v != null).length).join(','));
            el.setAttribute('data-step-range', steps.length ? `${steps[0]}-${steps[steps.length - 1]}` : '');
            el.setAttribute('data-drawn-series', String(u.data.length - 1));
            el.setAttribute('data-drawn-at-ms', performance.now().toFixed(0));
          },
        ],
      },
    };
    plot.current?.destroy();
    plot.current = new uPlot(options, data, container.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt when the data or the set of runs changes (the runs array itself is recreated on every render).
  }, [data, theme, runs.map((r) => r.id + r.name).join()]);

  return (
    <div className="rounded-lg border border-slate-200 bg-surface p-3 shadow-sm" data-testid={`overlay-${metricKey}`}>
      <h3 className="mb-1 font-mono text-sm font-medium text-slate-800">{metricKey}</h3>
      {error ? (
        <ErrorNotice error={error} />
      ) : (
        !ready && <p className="py-12 text-center text-xs text-slate-400">Loading series…</p>
      )}
      <div ref={container} />
    </div>
  );
}
