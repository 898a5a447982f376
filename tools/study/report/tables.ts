/** The paper's tables, rebuilt from the study's cells, and their Markdown. */
import { presets } from '@ktlab/config';
import type { CellResult } from '../cell-result';
import { DOMAIN_VARIANTS } from '../plan';
import { STUDY_ROWS } from '../scales';
import { buildTable, collect, type Table } from './aggregate';

const PROTOCOL_TABLES = [
  { protocol: 'linear', id: 'table4-linear', title: 'Table 4 analog — linear probe per conv layer', caption: 'Top-1 test accuracy (%) of a linear classifier on each frozen conv layer of the AlexNet-style target.' },
  { protocol: 'nonlinear', id: 'table6-nonlinear', title: 'Table 6 analog — nonlinear evaluation per layer', caption: 'Top-1 test accuracy (%) with conv1…layer transferred and frozen, the layers after it re-initialised and trained.' },
  { protocol: 'finetune', id: 'table3-finetune', title: 'Table 3 analog — fine-tuning', caption: 'Top-1 test accuracy (%) after fine-tuning the whole transferred network on the labelled training images.' },
  { protocol: 'knn', id: 'knn', title: 'kNN on frozen features', caption: 'Top-1 test accuracy (%) of a cosine kNN classifier on each frozen conv layer.' },
] as const;

export function studyTables(cells: readonly CellResult[]): Table[] {
  const main = cells.filter((cell) => cell.group === 'main');
  const rowNames = new Map(main.map((cell) => [cell.row, cell.rowName]));
  const references = new Set(presets.filter((preset) => preset.reference).map((preset) => preset.id));
  const rows = STUDY_ROWS.filter((row) => rowNames.has(row)).map((row) => ({ key: row, label: rowNames.get(row)!, reference: references.has(row) }));
  const tables: Table[] = [];
  for (const spec of PROTOCOL_TABLES) {
    const values = collect(main, (cell) => cell.row, spec.protocol);
    if (values.size === 0) continue;
    tables.push(buildTable({ id: spec.id, title: spec.title, caption: spec.caption, rowHeader: 'Method', rows, values }));
  }

  const clusterCells = cells.filter((cell) => cell.row === 'cc-jigsaw++' && cell.k !== undefined && cell.group !== 'domain');
  const ks = [...new Set(clusterCells.map((cell) => cell.k!))].sort((a, b) => a - b);
  if (ks.length > 1) {
    tables.push(buildTable({
      id: 'table1-clusters',
      title: 'Table 1 analog — number of clusters',
      caption: 'CC+Jigsaw++ with different numbers of k-means clusters; linear probe top-1 test accuracy (%) per conv layer.',
      rowHeader: 'Clusters (k)',
      rows: ks.map((k) => ({ key: String(k), label: `k = ${k}` })),
      values: collect(clusterCells, (cell) => String(cell.k), 'linear'),
    }));
  }

  const domainCells = cells.filter((cell) => cell.group === 'domain');
  if (domainCells.length) {
    const reference = cells.filter((cell) => cell.group === 'main' && cell.row === 'cc-jigsaw++');
    tables.push(buildTable({
      id: 'table2-domain',
      title: 'Table 2 analog — where clusters and pseudo-labels come from',
      caption: 'CC+Jigsaw++: k-means on half A of the train split, pseudo-labels (the target\'s training set) on half A, half B, or the test split\'s images (labels unused). Linear probe top-1 test accuracy (%). "train→train" is the main CC+Jigsaw++ row (all training images).',
      rowHeader: 'Clustered on → pseudo-labelled',
      rows: [...DOMAIN_VARIANTS.map((variant) => ({ key: variant, label: variant })), { key: 'main', label: 'train→train', reference: true }],
      values: collect([...domainCells, ...reference], (cell) => (cell.group === 'domain' ? cell.domain : 'main'), 'linear'),
    }));
  }
  return tables;
}

const fmt = (value: number) => (value * 100).toFixed(1);

export function tableMarkdown(table: Table): string {
  const header = `| ${table.rowHeader} | ${table.columns.join(' | ')} | n |`;
  const rule = `|${' --- |'.repeat(table.columns.length + 2)}`;
  const lines = table.rows.map((row, r) => {
    const cells = table.columns.map((_, c) => {
      const summary = table.cells[r]![c];
      if (!summary) return '—';
      const text = summary.n > 1 ? `${fmt(summary.mean)} ± ${fmt(summary.std)}` : fmt(summary.mean);
      return table.best[r]![c] ? `**${text}**` : text;
    });
    const n = Math.max(0, ...table.cells[r]!.map((summary) => summary?.n ?? 0));
    return `| ${row.label}${row.reference ? ' *(reference)*' : ''} | ${cells.join(' | ')} | ${n} |`;
  });
  const note = table.rows.some((row) => row.reference) ? ' Bold: best mean of the column, reference rows excluded.' : ' Bold: best mean of the column.';
  return [`### ${table.title}`, '', `${table.caption} Mean ± std over seeds; n = seeds.${note}`, '', header, rule, ...lines, ''].join('\n');
}
