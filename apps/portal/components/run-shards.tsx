'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { FEATURE_STEP, SHARD_KIND_LABEL } from '@ktlab/config';
import { useTRPC } from '../lib/trpc';
import { Button } from './ui/button';
import { Card, ErrorNotice } from './ui/card';

/** Each kind's label; a kind this portal does not know yet is shown by its name. */
const STEP_LABEL: Readonly<Record<string, string | undefined>> = SHARD_KIND_LABEL;

/**
 * Shards of a run split across workers (clustering.shardRows > 0): per stage step, how many shards are done,
 * running, queued or failed, and which workers executed them. Absent for runs that are not sharded.
 */
export function RunShards({ runId, active }: { runId: string; active: boolean }) {
  const trpc = useTRPC();
  const shards = useQuery({ ...trpc.runs.shards.queryOptions({ id: runId }), refetchInterval: active ? 2000 : false });
  const [showAll, setShowAll] = useState(false);
  const steps = shards.data ?? [];
  if (steps.length === 0 && !shards.error) return null;
  const latest = steps.filter((step, index) => steps.findIndex((other) => other.kind === step.kind) === index);
  const shown = showAll ? steps : latest;
  return (
    <Card
      title="Shards"
      actions={
        steps.length > latest.length && (
          <Button variant="ghost" onClick={() => setShowAll(!showAll)}>
            {showAll ? 'Latest step per kind' : `All ${steps.length} steps`}
          </Button>
        )
      }
    >
      <ErrorNotice error={shards.error} />
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm" data-testid="run-shards">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
              <th className="py-1 font-medium">Step</th>
              <th className="py-1 font-medium">Done</th>
              <th className="py-1 font-medium">Running · queued · failed</th>
              <th className="py-1 font-medium">Workers</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((step) => {
              const total = step.queued + step.running + step.succeeded + step.failed;
              return (
                <tr key={`${step.kind}/${step.iteration}`} className="border-t border-slate-100 align-top">
                  <td className="py-1.5 pr-3">
                    {STEP_LABEL[step.kind] ?? step.kind}
                    {step.kind === 'kmeans-map' ? ` ${step.iteration}` : ''}
                    {step.kind === 'features' ? (step.iteration === FEATURE_STEP.labeling ? ' (pseudo-label data)' : ' (clustering data)') : ''}
                  </td>
                  <td className="py-1.5 pr-3">
                    <div className="flex items-center gap-2">
                      <div className="h-1.5 w-24 overflow-hidden rounded bg-slate-100">
                        <div className="h-full bg-indigo-500" style={{ width: `${total ? Math.round((step.succeeded / total) * 100) : 0}%` }} />
                      </div>
                      <span className="tabular-nums text-xs text-slate-600">
                        {step.succeeded}/{total}
                      </span>
                    </div>
                  </td>
                  <td className="py-1.5 pr-3 tabular-nums text-xs text-slate-600">
                    {step.running} · {step.queued} · <span className={step.failed ? 'font-medium text-rose-700' : ''}>{step.failed}</span>
                  </td>
                  <td className="py-1.5 text-xs text-slate-600">
                    {Object.entries(step.byWorker)
                      .sort(([a], [b]) => a.localeCompare(b))
                      .map(([name, count]) => `${name} (${count})`)
                      .join(', ') || '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
