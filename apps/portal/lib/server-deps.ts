import 'server-only';
import { PgEventHub, startCheckpointRetention, startLeaseReaper, type ContextDeps } from '@ktlab/api';
import { createDb } from '@ktlab/db/client';

const cache = globalThis as unknown as { ktlabDeps?: ContextDeps };

/** One database client and one event listener per server process. */
export function serverDeps(): ContextDeps {
  if (!cache.ktlabDeps) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start the portal with `npm start`, which provides it');
    cache.ktlabDeps = { db: createDb(url), events: new PgEventHub(url) };
    // runs of workers that died are re-queued even while no other worker asks for work
    startLeaseReaper(cache.ktlabDeps.db);
    // succeeded runs' checkpoint copies are deleted after KTLAB_CHECKPOINT_RETENTION_HOURS (default 24)
    startCheckpointRetention(cache.ktlabDeps.db);
  }
  return cache.ktlabDeps;
}
