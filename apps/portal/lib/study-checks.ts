/**
 * How the Benchmarks page words a study's checks (`studies.orderings`) and its launch preview (`studies.preview`):
 * pure functions, so the wording is tested without a browser.
 */

export type CheckOutcome = 'held' | 'did not hold' | 'not significant' | 'not measured';
export type AnchorOutcome = 'met' | 'failed' | 'pending';

export const OUTCOMES: readonly CheckOutcome[] = ['held', 'did not hold', 'not significant', 'not measured'];

/** The short label (the page's badges: held / not held / n.s.) and its colours. */
export const OUTCOME_BADGE: Record<CheckOutcome, { label: string; className: string; title: string }> = {
  held: { label: 'held', className: 'bg-emerald-50 text-emerald-700 ring-emerald-300', title: 'significant in the claimed direction' },
  'did not hold': { label: 'not held', className: 'bg-rose-50 text-rose-700 ring-rose-300', title: 'significant in the opposite direction' },
  'not significant': { label: 'n.s.', className: 'bg-slate-100 text-slate-600 ring-slate-300', title: 'no significant difference (always so with fewer than 2 seeds on a side)' },
  'not measured': { label: 'not measured', className: 'bg-slate-50 text-slate-400 ring-slate-200', title: 'one side has no result yet' },
};

export const ANCHOR_BADGE: Record<AnchorOutcome, { className: string }> = {
  met: { className: 'bg-emerald-50 text-emerald-700 ring-emerald-300' },
  failed: { className: 'bg-rose-50 text-rose-700 ring-rose-300' },
  pending: { className: 'bg-slate-50 text-slate-500 ring-slate-200' },
};

export interface CheckSide {
  label: string;
  n: number;
  mean: number | null;
  std: number | null;
}

export interface CheckView {
  claim: string;
  relation: '>' | '≈';
  outcome: CheckOutcome;
  p: number | null;
  left: CheckSide;
  right: CheckSide;
}

const pct = (fraction: number) => (fraction * 100).toFixed(1);

/** `40.0 ± 0.4 (n=3)`, `40.0 (n=1)`, or `no result`. */
export function sideText(side: CheckSide): string {
  if (side.mean === null || side.n === 0) return 'no result';
  return side.std === null ? `${pct(side.mean)} (n=${side.n})` : `${pct(side.mean)} ± ${pct(side.std)} (n=${side.n})`;
}

/** `p < 0.001`, `p = 0.012`, or `p undefined (n < 2)`. */
export function pText(p: number | null): string {
  if (p === null) return 'p undefined (n < 2)';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** The numbers behind a check: both sides in %, the difference in points and p. */
export function checkNumbers(check: CheckView): string {
  if (check.left.mean === null || check.right.mean === null) return `${check.left.mean === null ? check.left.label : check.right.label}: no result yet`;
  const delta = (check.left.mean - check.right.mean) * 100;
  return `${sideText(check.left)} vs ${sideText(check.right)} · Δ ${delta > 0 ? '+' : ''}${delta.toFixed(1)} pts · ${pText(check.p)}`;
}

/** How many checks had each outcome, in the order held, did not hold, not significant, not measured. */
export function outcomeCounts(checks: readonly { outcome: CheckOutcome }[]): Record<CheckOutcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<CheckOutcome, number>;
  for (const check of checks) counts[check.outcome] += 1;
  return counts;
}

/** `12 held · 3 not held · 5 n.s.` (outcomes with no check left out); `no check yet` when empty. */
export function outcomeSummary(checks: readonly { outcome: CheckOutcome }[]): string {
  const counts = outcomeCounts(checks);
  const parts = OUTCOMES.filter((outcome) => counts[outcome] > 0).map((outcome) => `${counts[outcome]} ${OUTCOME_BADGE[outcome].label}`);
  return parts.length ? parts.join(' · ') : 'no check yet';
}

const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

/** What a launch would do: `Queues 12 runs (4 of 16 cells already have one).` */
export function launchSummary(preview: { cells: number; existing: number; toQueue: number }): string {
  if (preview.toQueue === 0) return `Queues nothing: ${preview.cells === 1 ? 'the one cell already has' : `all ${preview.cells} cells already have`} a run.`;
  const have = preview.existing ? ` (${preview.existing} of ${preview.cells} cells already have one)` : ` (${preview.cells === 1 ? 'the one cell' : `all ${preview.cells} cells`} of the plan)`;
  return `Queues ${runs(preview.toQueue)}${have}.`;
}
