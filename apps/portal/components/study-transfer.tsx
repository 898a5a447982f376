'use client';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../lib/session';
import { useTRPC } from '../lib/trpc';
import { EvalTable, MeanStd, MethodLabel } from './eval-table';
import { Card } from './ui/card';

/**
 * The paper's Table 3 for one study (`studies.orderings` → `transfer`): per method, classification (fine-tuned top-1)
 * beside detection mAP and segmentation mean IoU on the scene benchmark, in percent, mean ± std over seeds.
 * Shown once some run of the study has a detection or segmentation result.
 */
export function StudyTransfer({ study }: { study: string }) {
  const trpc = useTRPC();
  const { projectSlug } = useSession();
  // the same query as the ordering checks beside it: fetched once
  const transfer = useQuery(trpc.studies.orderings.queryOptions({ projectSlug, study })).data?.transfer;
  if (!transfer) return null;
  return (
    <Card title={`${transfer.title} · study ${study} (%)`}>
      <p className="mb-3 text-xs text-slate-500">{transfer.caption}</p>
      <EvalTable
        testId="study-transfer-table"
        corner="Method"
        density="comfortable"
        rowLabelClassName="font-medium text-slate-800"
        mutedMissing
        columns={transfer.columns.map((column) => ({ key: column, label: column }))}
        rows={transfer.rows.map((row) => ({
          key: row.key,
          label: <MethodLabel name={row.label} reference={row.reference} />,
          cells: Object.fromEntries(
            transfer.columns.map((column, c) => {
              const cell = row.cells[c];
              if (!cell) return [column, undefined];
              return [
                column,
                {
                  content: (
                    <>
                      <span className={cell.best ? 'font-bold text-slate-900' : 'text-slate-700'} data-best={cell.best || undefined}>
                        <MeanStd mean={cell.mean} std={cell.std} />
                      </span>
                      <span className="ml-1 text-xs text-slate-400">n={cell.n}</span>
                    </>
                  ),
                },
              ];
            }),
          ),
        }))}
      />
    </Card>
  );
}
