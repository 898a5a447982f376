import { Fragment, type ReactNode } from 'react';

/**
 * The one evaluation table of the portal (run page, compare view, benchmark tables): a row label column, then
 * right-aligned numeric cells. Callers decide what the rows and columns are; the table decides how they look.
 */
export interface EvalTableColumn {
  key: string;
  label: ReactNode;
}

export interface EvalTableCell {
  content: ReactNode;
  /** The best value of its row or column. */
  bold?: boolean;
}

export interface EvalTableRow {
  key: string;
  label: ReactNode;
  /** Rows of a named group (e.g. an ablation) follow a header row with this name; ungrouped rows come first. */
  group?: string;
  /** By column key; a missing cell shows a dash. */
  cells: Record<string, EvalTableCell | undefined>;
}

const padding = { compact: 'px-2 py-1', comfortable: 'px-3 py-2' };

export function EvalTable({
  corner,
  columns,
  rows,
  density = 'compact',
  rowLabelClassName = 'font-medium',
  mutedMissing = false,
  testId,
}: {
  /** Header of the row label column. */
  corner: ReactNode;
  columns: EvalTableColumn[];
  rows: EvalTableRow[];
  density?: keyof typeof padding;
  rowLabelClassName?: string;
  /** Dashes for missing cells in a lighter grey (dense tables where gaps are common). */
  mutedMissing?: boolean;
  testId?: string;
}) {
  const cell = padding[density];
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-sm" data-testid={testId}>
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className={`${cell} text-left font-medium`}>{corner}</th>
            {columns.map((column) => (
              <th key={column.key} className={`${cell} text-right font-medium`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row, index) => (
            <Fragment key={row.key}>
              {row.group !== undefined && row.group !== rows[index - 1]?.group && (
                <tr>
                  <th colSpan={columns.length + 1} scope="rowgroup" className={`${cell} pt-4 text-left text-xs font-semibold uppercase tracking-wide text-slate-500`}>
                    {row.group}
                  </th>
                </tr>
              )}
              <tr>
              <td className={`${cell} ${rowLabelClassName}`}>{row.label}</td>
              {columns.map((column) => {
                const value = row.cells[column.key];
                if (!value) {
                  return (
                    <td key={column.key} className={`${cell} text-right ${mutedMissing ? 'text-slate-300' : ''}`}>
                      —
                    </td>
                  );
                }
                return (
                  <td key={column.key} className={`${cell} text-right tabular-nums ${value.bold ? 'font-bold' : ''}`}>
                    {value.content}
                  </td>
                );
              })}
              </tr>
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A benchmark row's method, with the reference mark (the supervised upper bound is shown, never marked best). */
export function MethodLabel({ name, reference }: { name: ReactNode; reference: boolean }) {
  return (
    <>
      {name}
      {reference && (
        <span className="ml-2 text-xs font-normal text-slate-500" title="A reference (the upper bound): never marked best">
          reference
        </span>
      )}
    </>
  );
}

/** A mean over seeds as the benchmark tables show it: mean ± std (the std only with 2+ seeds), in percent by default. */
export function MeanStd({ mean, std, scale = 100 }: { mean: number; std: number | null; scale?: number }) {
  return (
    <>
      {(mean * scale).toFixed(1)}
      {std !== null && <span className="font-normal text-slate-400"> ± {(std * scale).toFixed(1)}</span>}
    </>
  );
}
