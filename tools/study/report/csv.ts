/** `results.csv`: one line per finished cell × protocol × layer. */
import type { CellResult } from '@ktlab/study';

export const CSV_COLUMNS = ['scale', 'cell', 'group', 'row', 'method', 'seed', 'k', 'domain', 'protocol', 'layer', 'dataset', 'metric', 'value', 'wall_seconds', 'where'] as const;

function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function resultsCsv(scale: string, cells: readonly CellResult[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const cell of cells) {
    for (const r of cell.results) {
      lines.push([scale, cell.id, cell.group, cell.row, cell.rowName, cell.seed, cell.k, cell.domain, r.protocol, r.layer, r.dataset, r.metric, r.value, cell.wallSeconds, cell.machine.where].map(field).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
