/**
 * Re-queues runs whose worker stopped heart-beating, on a timer, so that a run never stays `running` just
 * because no other worker happened to ask for work. Claims reap too (run-queue.ts); this covers an idle
 * fleet and the time after a database restart. A failed pass (database away) is retried on the next tick.
 */
import type { Db } from '@ktlab/db';
import { leaseMs, reapExpiredLeases } from './run-queue';

export function startLeaseReaper(db: Db, options: { intervalMs?: number; log?: (message: string) => void } = {}): { stop(): void } {
  const intervalMs = options.intervalMs ?? Math.max(500, Math.floor(leaseMs() / 2));
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    reapExpiredLeases(db)
      .then((ids) => {
        if (ids.length) options.log?.(`re-queued ${ids.length} run(s) whose worker stopped heart-beating: ${ids.join(', ')}`);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
