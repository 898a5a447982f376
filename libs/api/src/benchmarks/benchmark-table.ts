/**
 * The paper's tables from evaluation results: one row per method, one column per layer (or protocol),
 * each cell the mean ± sample standard deviation over the finished runs (seeds) of that method.
 */
import { EVAL_PROTOCOLS, MAIN_GROUP } from '@ktlab/config';

export interface BenchmarkObservation {
  method: string;
  /** The column: a layer (conv1 … conv5) or a protocol. */
  column: string;
  runId: string;
  value: number;
}

export interface BenchmarkCell {
  mean: number;
  /** Sample standard deviation (n − 1); null with a single run. */
  std: number | null;
  n: number;
  runIds: string[];
  best: boolean;
}

export interface BenchmarkRow {
  method: string;
  /** The group of rows the row is ranked in: MAIN_GROUP, or an ablation's name (the paper's Tables 1–2). */
  group: string;
  /** A reference (the supervised upper bound): shown, never best. */
  reference: boolean;
  cells: Record<string, BenchmarkCell | undefined>;
}

export interface BenchmarkTable {
  columns: string[];
  rows: BenchmarkRow[];
  higherIsBetter: boolean;
}


/** `frozen` and `all` are the dense protocols' rows (trunk frozen, fine-tuned); `all` is also finetune's. */
const LAYER_ORDER = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6', 'fc7', 'fc8', 'frozen', 'all'];

function rank(order: string[], value: string): number {
  const index = order.indexOf(value);
  return index === -1 ? order.length : index;
}

/** Layers in network order, then protocols in their config order (`EVAL_PROTOCOLS`), then anything else alphabetically. */
export function orderColumns(columns: Iterable<string>): string[] {
  const known = [...LAYER_ORDER, ...EVAL_PROTOCOLS];
  return [...new Set(columns)].sort((a, b) => rank(known, a) - rank(known, b) || a.localeCompare(b));
}

/** Losses and error rates are better low; accuracies, mAP, NMI are better high. */
export function metricHigherIsBetter(metric: string): boolean {
  return !/loss|error|err$|nll|perplexity/i.test(metric);
}

export interface BenchmarkTableOptions {
  /** Known methods first, in this order (the paper's rows); others after them. */
  methodOrder?: string[];
  higherIsBetter?: boolean;
  /** Methods shown as references: never marked best. */
  referenceMethods?: ReadonlySet<string>;
  /** The group of a method's rows (default MAIN_GROUP); the best cell of a column is marked within each group. */
  groupOf?: (method: string) => string;
}

export function buildBenchmarkTable(observations: BenchmarkObservation[], options: BenchmarkTableOptions = {}): BenchmarkTable {
  const higherIsBetter = options.higherIsBetter ?? true;
  const methodOrder = options.methodOrder ?? [];
  const groupOf = options.groupOf ?? (() => MAIN_GROUP);
  const groupRank = (group: string) => (group === MAIN_GROUP ? '' : group);
  const groups = new Map<string, Map<string, { values: number[]; runIds: string[] }>>();
  for (const { method, column, runId, value } of observations) {
    if (!Number.isFinite(value)) continue;
    const row = groups.get(method) ?? new Map();
    groups.set(method, row);
    const cell = row.get(column) ?? { values: [], runIds: [] };
    row.set(column, cell);
    cell.values.push(value);
    cell.runIds.push(runId);
  }
  const columns = orderColumns([...groups.values()].flatMap((row) => [...row.keys()]));
  const methods = [...groups.keys()].sort(
    (a, b) =>
      groupRank(groupOf(a)).localeCompare(groupRank(groupOf(b))) ||
      rank(methodOrder, a) - rank(methodOrder, b) ||
      a.localeCompare(b, undefined, { numeric: true }),
  );
  const rows = methods.map((method): BenchmarkRow => {
    const cells: Record<string, BenchmarkCell | undefined> = {};
    for (const [column, { values, runIds }] of groups.get(method)!) {
      const n = values.length;
      const mean = values.reduce((sum, v) => sum + v, 0) / n;
      const std = n > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : null;
      cells[column] = { mean, std, n, runIds: [...new Set(runIds)], best: false };
    }
    return { method, group: groupOf(method), reference: options.referenceMethods?.has(method) ?? false, cells };
  });
  for (const group of new Set(rows.map((row) => row.group))) {
    const ranked = rows.filter((row) => row.group === group && !row.reference);
    for (const column of columns) {
      const present = ranked.map((row) => row.cells[column]).filter((cell): cell is BenchmarkCell => cell !== undefined);
      if (present.length < 2) continue;
      const target = higherIsBetter ? Math.max(...present.map((c) => c.mean)) : Math.min(...present.map((c) => c.mean));
      for (const cell of present) cell.best = cell.mean === target;
    }
  }
  return { columns, rows, higherIsBetter };
}
