import type { MetricKeySummary } from '../services/metric-keys';

export interface SharedMetrics {
  /** Keys drawn as curves: every run has the metric and at least one run logged it more than once. Sorted. */
  curveKeys: string[];
  /** Metrics no run logged more than once (final values): one value per run, null where a run lacks it. Sorted by key. */
  summaryMetrics: { key: string; values: (number | null)[] }[];
}

/**
 * What Compare shows of the runs' metrics, from each run's metric keys (metricKeySummaries, one list per run in
 * the runs' order): the curves they share and the single values. runs.compare and runs.compareSeries both use it,
 * so the series read for the overlays are those of the curves the page shows.
 */
export function sharedMetrics(perRunKeys: readonly MetricKeySummary[][]): SharedMetrics {
  const perRun = perRunKeys.map((keys) => new Set(keys.map((row) => row.key)));
  const allKeys = [...new Set(perRunKeys.flatMap((keys) => keys.map((row) => row.key)))].sort();
  const logsCurve = new Set(perRunKeys.flatMap((keys) => keys.filter((row) => row.points > 1).map((row) => row.key)));
  return {
    curveKeys: [...(perRun[0] ?? [])].filter((key) => perRun.every((set) => set.has(key)) && logsCurve.has(key)).sort(),
    summaryMetrics: allKeys
      .filter((key) => !logsCurve.has(key))
      .map((key) => ({ key, values: perRunKeys.map((keys) => keys.find((row) => row.key === key)?.last ?? null) })),
  };
}
