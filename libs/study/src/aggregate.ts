/**
 * From finished cells to tables: group results by (table row, column), summarise over seeds, mark the best
 * mean of each column. Pure functions; the report writers format what they return.
 */
import type { CellScores } from './cell-result';
import { summarize, type Summary } from './stats';

export interface Table {
  id: string;
  title: string;
  caption: string;
  /** Header of the first column. */
  rowHeader: string;
  rows: { key: string; label: string; reference?: boolean }[];
  columns: string[];
  /** cells[row][column]; undefined where no seed reported that value. */
  cells: (Summary | undefined)[][];
  /** Bold: the highest mean of its column among the non-reference rows (ties all bold). */
  best: boolean[][];
}

const LAYER_ORDER = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'];

export function sortLayers(layers: Iterable<string>): string[] {
  const unique = [...new Set(layers)];
  const rank = (layer: string) => (LAYER_ORDER.includes(layer) ? LAYER_ORDER.indexOf(layer) : LAYER_ORDER.length);
  return unique.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Values per (row key, column) over the given cells, one per seed. */
export function collect(
  cells: readonly CellScores[],
  rowKey: (cell: CellScores) => string | undefined,
  protocol: string,
): Map<string, Map<string, number[]>> {
  const grouped = new Map<string, Map<string, number[]>>();
  for (const cell of cells) {
    const key = rowKey(cell);
    if (key === undefined) continue;
    for (const result of cell.results) {
      if (result.protocol !== protocol || result.metric !== 'top1') continue;
      const columns = grouped.get(key) ?? new Map<string, number[]>();
      grouped.set(key, columns);
      const values = columns.get(result.layer) ?? [];
      values.push(result.value);
      columns.set(result.layer, values);
    }
  }
  return grouped;
}

/** Best mean per column among the non-reference rows; ties are all best. */
export function bestOfColumns(cells: (Summary | undefined)[][], reference: boolean[]): boolean[][] {
  const columns = cells[0]?.length ?? 0;
  const best = cells.map((row) => row.map(() => false));
  for (let column = 0; column < columns; column++) {
    let top = -Infinity;
    cells.forEach((row, index) => {
      const mean = row[column]?.mean;
      if (!reference[index] && mean !== undefined && Number.isFinite(mean)) top = Math.max(top, mean);
    });
    if (top === -Infinity) continue;
    cells.forEach((row, index) => {
      if (!reference[index] && row[column]?.mean === top) best[index]![column] = true;
    });
  }
  return best;
}

export function buildTable(options: {
  id: string;
  title: string;
  caption: string;
  rowHeader: string;
  rows: { key: string; label: string; reference?: boolean }[];
  values: Map<string, Map<string, number[]>>;
  /** Column order (those with values); default: layers in network order, then the rest alphabetically. */
  columnOrder?: readonly string[];
}): Table {
  const rows = options.rows.filter((row) => options.values.has(row.key));
  const present = [...options.values.values()].flatMap((columns) => [...columns.keys()]);
  const columns = options.columnOrder ? options.columnOrder.filter((column) => present.includes(column)) : sortLayers(present);
  const cells = rows.map((row) => columns.map((column) => {
    const values = options.values.get(row.key)?.get(column);
    return values?.length ? summarize(values) : undefined;
  }));
  return { ...options, rows, columns, cells, best: bestOfColumns(cells, rows.map((row) => row.reference ?? false)) };
}

/** The per-seed value of a row's best layer (max over layers within each seed), for "best layer" comparisons. */
export function bestLayerValues(cells: readonly CellScores[], protocol: string): number[] {
  return cells
    .map((cell) => Math.max(...cell.results.filter((r) => r.protocol === protocol && r.metric === 'top1').map((r) => r.value)))
    .filter((value) => Number.isFinite(value));
}

/** One value per seed for (protocol, layer) in these cells. */
export function layerValues(cells: readonly CellScores[], protocol: string, layer: string): number[] {
  return cells.flatMap((cell) => cell.results.filter((r) => r.protocol === protocol && r.layer === layer && r.metric === 'top1').map((r) => r.value));
}
