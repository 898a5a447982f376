const styles: Record<string, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-300',
  running: 'bg-sky-50 text-sky-700 ring-sky-300',
  succeeded: 'bg-emerald-50 text-emerald-700 ring-emerald-300',
  failed: 'bg-rose-50 text-rose-700 ring-rose-300',
  cancelled: 'bg-amber-50 text-amber-700 ring-amber-300',
  pending: 'bg-slate-50 text-slate-500 ring-slate-200',
  skipped: 'bg-slate-50 text-slate-400 ring-slate-200',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="status-badge"
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status] ?? styles.queued}`}
    >
      {status === 'running' && <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />}
      {status}
    </span>
  );
}
