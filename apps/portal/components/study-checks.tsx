'use client';
import { useQuery } from '@tanstack/react-query';
import { ANCHOR_BADGE, checkNumbers, OUTCOME_BADGE, outcomeSummary } from '../lib/study-checks';
import { useSession } from '../lib/session';
import { useTRPC } from '../lib/trpc';
import { Card, ErrorNotice } from './ui/card';

function Badge({ className, title, children }: { className: string; title?: string; children: string }) {
  return (
    <span title={title} className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${className}`}>
      {children}
    </span>
  );
}

/**
 * The paper's orderings and the sanity anchors, checked on the finished runs of one study (`studies.orderings`):
 * the same Welch tests as the study's report, on the portal's runs.
 */
export function StudyChecks({ study }: { study: string }) {
  const trpc = useTRPC();
  const { projectSlug } = useSession();
  const result = useQuery(trpc.studies.orderings.queryOptions({ projectSlug, study }));
  const data = result.data;
  const runs = data?.runs;
  const unfinished = runs ? runs.queued + runs.running : 0;
  return (
    <Card title={`Ordering checks · study ${study}`} className="self-start">
      <ErrorNotice error={result.error} />
      {!data ? (
        !result.error && <p className="text-sm text-slate-500">Checking the orderings…</p>
      ) : (
        <div className="space-y-4" data-testid="study-checks">
          <p className="text-sm text-slate-600">
            <span className="font-medium text-slate-800" data-testid="study-checks-summary">
              {outcomeSummary(data.checks)}
            </span>{' '}
            on {data.cells} finished cell{data.cells === 1 ? '' : 's'}
            {unfinished > 0 && `; ${unfinished} run${unfinished === 1 ? '' : 's'} queued or running`}
            {runs && runs.failed > 0 && `; ${runs.failed} failed`}
            {data.pending && data.pending.length > 0 && `; ${data.pending.length} cell${data.pending.length === 1 ? '' : 's'} of the ${data.scale} design without a finished run`}.
          </p>
          <p className="text-xs text-slate-500">
            Welch&rsquo;s t-test (two-sided, α = {data.alpha}) on per-seed top-1: <strong>held</strong> = significant in the claimed direction, <strong>not held</strong> = significant
            against it, <strong>n.s.</strong> = not significant (always with fewer than 2 seeds). For &ldquo;≈&rdquo; claims, held means no significant difference.
          </p>
          {data.checks.length === 0 ? (
            <p className="text-sm text-slate-500">No ordering can be checked yet: each needs finished runs of both rows it compares.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {data.checks.map((check) => {
                const badge = OUTCOME_BADGE[check.outcome];
                return (
                  <li key={check.claim} className="py-2" data-testid="ordering-check" data-outcome={check.outcome}>
                    <div className="flex items-start justify-between gap-3">
                      <span className="text-sm text-slate-800" title={check.source}>
                        {check.claim}
                      </span>
                      <Badge className={badge.className} title={badge.title}>
                        {badge.label}
                      </Badge>
                    </div>
                    <p className="mt-0.5 text-xs text-slate-500 tabular-nums">{checkNumbers(check)}</p>
                  </li>
                );
              })}
            </ul>
          )}
          <div>
            <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Sanity anchors</h3>
            <ul className="mt-1 divide-y divide-slate-100">
              {data.anchors.map((anchor) => (
                <li key={anchor.anchor} className="py-2" data-testid="study-anchor" data-outcome={anchor.outcome}>
                  <div className="flex items-start justify-between gap-3">
                    <span className="text-sm text-slate-800">{anchor.anchor}</span>
                    <Badge className={ANCHOR_BADGE[anchor.outcome].className}>{anchor.outcome}</Badge>
                  </div>
                  <p className="mt-0.5 text-xs text-slate-500">{anchor.detail}</p>
                </li>
              ))}
            </ul>
          </div>
          {(data.superseded.length > 0 || data.unknown.length > 0) && (
            <p className="text-xs text-slate-500">
              Not counted: {data.superseded.length > 0 && `${data.superseded.length} earlier run${data.superseded.length === 1 ? '' : 's'} of a cell that ran again`}
              {data.superseded.length > 0 && data.unknown.length > 0 && '; '}
              {data.unknown.length > 0 && `${data.unknown.length} run${data.unknown.length === 1 ? '' : 's'} without a cell tag of the study's design`}.
            </p>
          )}
        </div>
      )}
    </Card>
  );
}
