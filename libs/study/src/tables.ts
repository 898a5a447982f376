/** The paper's tables, rebuilt from the study's cells, and their Markdown. */
import { EVAL_PROTOCOL_INFO, presets } from '@ktlab/config';
import type { CellScores } from './cell-result';
import { DOMAIN_VARIANTS } from './plan';
import { STUDY_ROWS } from './scales';
import { buildTable, collect, type Table } from './aggregate';

/** The classification protocols' tables, titled and captioned as everywhere else (`EVAL_PROTOCOL_INFO`). */
const PROTOCOL_TABLES = (['linear', 'nonlinear', 'finetune', 'knn'] as const).map((protocol) => ({ protocol, ...EVAL_PROTOCOL_INFO[protocol].table }));

export function studyTables(cells: readonly CellScores[]): Table[] {
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

  const transfer = studyTransferTable(cells);
  if (transfer) tables.push(transfer);

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

/**
 * The paper's Table 3 as a whole: per method, what transfers to classification, detection and segmentation, each
 * the fine-tuned result (`all`), then the dense protocols with the trunk frozen where the cells have them.
 */
export const TRANSFER_COLUMNS = [
  { column: 'classification top-1', protocol: 'finetune', layer: 'all', metric: 'top1' },
  { column: 'detection mAP@0.5', protocol: 'detection', layer: 'all', metric: 'map50' },
  { column: 'detection mAP@[.5:.95]', protocol: 'detection', layer: 'all', metric: 'map' },
  { column: 'segmentation mIoU', protocol: 'segmentation', layer: 'all', metric: 'miou' },
  { column: 'detection mAP@0.5, frozen', protocol: 'detection', layer: 'frozen', metric: 'map50' },
  { column: 'segmentation mIoU, frozen', protocol: 'segmentation', layer: 'frozen', metric: 'miou' },
] as const;

/**
 * The study's Table 3: classification from the main cells, detection and segmentation from their transfer cells,
 * one row per method (the Supervised reference marked); undefined until some cell has a dense result.
 */
export function studyTransferTable(cells: readonly CellScores[]): Table | undefined {
  const transferCells = cells.filter((cell) => cell.group === 'main' || cell.group === 'transfer');
  const names = new Map(transferCells.map((cell) => [cell.row, cell.rowName]));
  const references = new Set(presets.filter((preset) => preset.reference).map((preset) => preset.id));
  const rows = STUDY_ROWS.filter((row) => names.has(row)).map((row) => ({ key: row, label: names.get(row)!, reference: references.has(row) }));
  return transferTable(transferCells, rows);
}

/** The transfer table, when some cell has a detection or segmentation result; undefined otherwise. */
export function transferTable(cells: readonly CellScores[], rows: { key: string; label: string; reference?: boolean }[]): Table | undefined {
  const values = new Map<string, Map<string, number[]>>();
  let dense = false;
  for (const cell of cells) {
    for (const spec of TRANSFER_COLUMNS) {
      for (const result of cell.results) {
        if (result.protocol !== spec.protocol || result.layer !== spec.layer || result.metric !== spec.metric) continue;
        dense ||= spec.protocol !== 'finetune';
        const columns = values.get(cell.row) ?? new Map<string, number[]>();
        values.set(cell.row, columns);
        columns.set(spec.column, [...(columns.get(spec.column) ?? []), result.value]);
      }
    }
  }
  if (!dense) return undefined;
  return buildTable({
    id: 'table3-transfer',
    title: 'Table 3 analog — transfer: classification, detection, segmentation',
    caption:
      'Each column fine-tunes the whole transferred network (the paper\'s protocol) unless marked frozen (conv1…conv5 frozen, only the head trained). ' +
      'Classification: top-1 test accuracy (%); detection: COCO mAP (%) of a CenterNet-style head on conv5; segmentation: mean IoU (%, classes + background) of an FCN-32s-style head on conv5 — ' +
      'both on scenes of 2–4 test images pasted on backgrounds (libs/scenes), not PASCAL VOC: compare methods, not the paper\'s numbers.',
    rowHeader: 'Method',
    rows,
    values,
    columnOrder: TRANSFER_COLUMNS.map((spec) => spec.column),
  });
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
