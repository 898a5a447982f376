import type { ReactNode } from 'react';

/** A column heading: its text (empty for an actions column), and right-aligned for numbers and buttons. */
export type Column = string | { label: string; align: 'right' };

/**
 * A compact table with a small uppercase header row; `children` are its body rows (`<tr>` of `Cell`s). Wider than
 * its card (a phone), it scrolls sideways inside its own box rather than widening the page.
 */
export function DataTable({ columns, testId, children }: { columns: readonly Column[]; testId?: string; children: ReactNode }) {
  return (
    <div className="mt-4 overflow-x-auto">
      <table className="min-w-full text-sm" data-testid={testId}>
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column, i) => {
              const { label, align } = typeof column === 'string' ? { label: column, align: 'left' } : column;
              return (
                <th key={i} className={`px-2 py-1 font-medium ${align === 'right' ? 'text-right' : 'text-left'}`}>
                  {label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

export function Cell({ align, className = '', children }: { align?: 'right'; className?: string; children?: ReactNode }) {
  return <td className={`px-2 py-1.5 ${align === 'right' ? 'text-right' : ''} ${className}`}>{children}</td>;
}
