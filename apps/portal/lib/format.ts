export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function runDuration(run: { startedAt: Date | null; finishedAt: Date | null }, now = Date.now()): string {
  if (!run.startedAt) return '—';
  return formatDuration((run.finishedAt?.getTime() ?? now) - run.startedAt.getTime());
}

export function formatTime(date: Date): string {
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(3);
  return value.toFixed(4).replace(/\.?0+$/, '');
}

/** Metrics that are accuracies or shares such as cluster purity (fractions in 0..1 as logged and stored): shown as percent everywhere. */
export function isAccuracyMetric(name: string): boolean {
  return /(^|[/._-])(top1|top5|top-1|top-5|acc|accuracy|purity)$/i.test(name);
}

/** An accuracy fraction as percent with one decimal, e.g. 0.7642 → "76.4%". */
export function formatPercent(fraction: number, sign = false): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  const text = (fraction * 100).toFixed(1);
  return `${sign && fraction > 0 ? '+' : ''}${text === '-0.0' ? '0.0' : text}%`;
}

/** A difference of two accuracies in percentage points, e.g. +1.2 pp. */
export function formatPointDelta(delta: number): string {
  if (!Number.isFinite(delta)) return String(delta);
  const text = (delta * 100).toFixed(1);
  if (text === '0.0' || text === '-0.0') return '±0.0 pp';
  return `${delta > 0 ? '+' : ''}${text} pp`;
}

/** A metric value in its unit: accuracies in percent, anything else as formatMetric does. */
export function formatMetricValue(name: string, value: number): string {
  return isAccuracyMetric(name) ? formatPercent(value) : formatMetric(value);
}

/** Mean and sample standard deviation (n − 1); the std is 0 for one value. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}
