/** CSV and Markdown renderings of a benchmark table (the Markdown bolds the best cell of each column). */
import type { BenchmarkCell, BenchmarkTable } from './benchmark-table';

export function formatCell(cell: BenchmarkCell | undefined, digits = 1, scale = 1): string {
  if (!cell) return '—';
  const mean = (cell.mean * scale).toFixed(digits);
  return cell.std === null ? mean : `${mean} ± ${(cell.std * scale).toFixed(digits)}`;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One row per method; for each column its mean, std and number of runs (machine-readable, unrounded). */
export function benchmarkToCsv(table: BenchmarkTable, methodNames: Record<string, string> = {}): string {
  const header = ['method', 'group', 'reference', ...table.columns.flatMap((c) => [`${c}_mean`, `${c}_std`, `${c}_n`])];
  const lines = table.rows.map((row) => [
    methodNames[row.method] ?? row.method,
    row.group,
    String(row.reference),
    ...table.columns.flatMap((column) => {
      const cell = row.cells[column];
      return cell ? [String(cell.mean), cell.std === null ? '' : String(cell.std), String(cell.n)] : ['', '', '0'];
    }),
  ]);
  return [header, ...lines].map((line) => line.map(csvField).join(',')).join('\n') + '\n';
}

export function benchmarkToMarkdown(
  table: BenchmarkTable,
  options: { methodNames?: Record<string, string>; digits?: number; scale?: number } = {},
): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const header = `| Method | ${table.columns.map(escape).join(' | ')} |`;
  const rule = `| --- | ${table.columns.map(() => '---:').join(' | ')} |`;
  const lines = table.rows.map((row) => {
    const cells = table.columns.map((column) => {
      const cell = row.cells[column];
      const text = formatCell(cell, options.digits, options.scale);
      return cell?.best ? `**${text}**` : text;
    });
    const label = `${options.methodNames?.[row.method] ?? row.method}${row.reference ? ' *(reference)*' : ''}`;
    return `| ${escape(label)} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...lines].join('\n') + '\n';
}
