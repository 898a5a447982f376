'use client';
import { useSyncExternalStore } from 'react';

/** Colours uPlot draws with (canvas, so CSS cannot reach them): axes, grid and the primary series. */
export type ChartTheme = { axis: string; grid: string; primary: string; band: string; bandEdge: string };

export const LIGHT_CHART_THEME: ChartTheme = {
  axis: '#64748b',
  grid: '#f1f5f9',
  primary: '#4f46e5',
  band: 'rgba(79,70,229,0.08)',
  bandEdge: 'rgba(79,70,229,0.25)',
};

export const DARK_CHART_THEME: ChartTheme = {
  axis: '#94a3b8',
  grid: 'rgba(148,163,184,0.14)',
  primary: '#818cf8',
  band: 'rgba(129,140,248,0.16)',
  bandEdge: 'rgba(129,140,248,0.4)',
};

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

/** The chart palette for the OS colour scheme; charts that take it as an effect dependency redraw when it flips. */
export function useChartTheme(): ChartTheme {
  const dark = useSyncExternalStore(
    subscribe,
    () => window.matchMedia(DARK_QUERY).matches,
    () => false,
  );
  return dark ? DARK_CHART_THEME : LIGHT_CHART_THEME;
}

/** uPlot axis options in the theme's colours. */
export function themedAxis(theme: ChartTheme, extra: Record<string, unknown> = {}, grid = true) {
  return { stroke: theme.axis, grid: grid ? { stroke: theme.grid } : { show: false }, ticks: { stroke: theme.grid }, ...extra };
}
