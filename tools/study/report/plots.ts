/**
 * The report's figures: Vega-Lite specs compiled to Vega, rendered to SVG headlessly (no canvas) and
 * rasterised to PNG by resvg. Each spec is built from a Table, so the plots show exactly the tables' numbers.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Table } from '@ktlab/study';

export interface PlotPoint {
  series: string;
  x: string | number;
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** Mean ± std points of a table, one series per table row, x = the table's columns. */
export function tablePoints(table: Table, x: (column: string) => string | number = (column) => column): PlotPoint[] {
  const points: PlotPoint[] = [];
  table.rows.forEach((row, r) => {
    table.columns.forEach((column, c) => {
      const summary = table.cells[r]![c];
      if (!summary || !Number.isFinite(summary.mean)) return;
      const mean = summary.mean * 100;
      const std = summary.std * 100;
      points.push({ series: row.label, x: x(column), mean, low: mean - std, high: mean + std, n: summary.n });
    });
  });
  return points;
}

/** Accuracy per layer, one line per method, error bars = ± std over seeds. */
export function perLayerSpec(title: string, points: PlotPoint[], layers: string[]): TopLevelSpec {
  const x = { field: 'x', type: 'ordinal' as const, title: 'layer', sort: layers, axis: { labelAngle: 0 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 320,
    background: 'white',
    data: { values: points },
    encoding: { x, color: { field: 'series', type: 'nominal', title: 'method', sort: [...new Set(points.map((p) => p.series))], legend: { labelLimit: 400 } } },
    layer: [
      { mark: { type: 'errorbar', ticks: true }, transform: [{ filter: 'datum.n > 1' }], encoding: { y: { field: 'low', type: 'quantitative', title: 'top-1 accuracy (%)', scale: { zero: false } }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
    ],
  };
}

/** Accuracy against the number of clusters (log x), one line per layer. */
export function clustersSpec(title: string, points: PlotPoint[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 320,
    background: 'white',
    data: { values: points },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'number of clusters k (log scale)', scale: { type: 'log', nice: false, padding: 20 }, axis: { values: [...new Set(points.map((p) => p.x as number))] } },
      color: { field: 'series', type: 'nominal', title: 'layer' },
    },
    layer: [
      { mark: { type: 'errorbar', ticks: true }, transform: [{ filter: 'datum.n > 1' }], encoding: { y: { field: 'low', type: 'quantitative', title: 'linear top-1 accuracy (%)', scale: { zero: false } }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
    ],
  };
}

/** Swaps a table's rows and columns (layers become series), for plots with the table's rows on the x axis. */
export function transposePoints(table: Table, x: (rowKey: string) => number): PlotPoint[] {
  const points: PlotPoint[] = [];
  table.rows.forEach((row, r) => {
    table.columns.forEach((column, c) => {
      const summary = table.cells[r]![c];
      if (!summary || !Number.isFinite(summary.mean)) return;
      const mean = summary.mean * 100;
      const std = summary.std * 100;
      points.push({ series: column, x: x(row.key), mean, low: mean - std, high: mean + std, n: summary.n });
    });
  });
  return points;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const svg = await renderSvg(spec);
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
