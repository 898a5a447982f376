/**
 * Fault injection for the scale-out tests: `KTLAB_TEST_MAX_SHARDS=<n>` makes a worker execute at most n shard
 * tasks in its life (0: none, not even its own run's), so a test decides by construction which worker executes
 * which shards instead of leaving it to scheduling. Honoured only under a test runner, like KTLAB_TEST_SIGKILL_AT.
 */
import { z } from 'zod';
import { underTestRunner } from '../jobs/test-kill-switch';

const maxShardsSchema = z.coerce.number().int().min(0);

/** The shard limit the environment asks for; undefined (no limit) when unset or outside a test runner. */
export function shardLimitFromEnv(env: NodeJS.ProcessEnv = process.env, log: (message: string) => void = console.log): number | undefined {
  const spec = env.KTLAB_TEST_MAX_SHARDS;
  if (!spec) return undefined;
  if (!underTestRunner(env)) {
    log('KTLAB_TEST_MAX_SHARDS ignored: fault injection works only under a test runner');
    return undefined;
  }
  const parsed = maxShardsSchema.safeParse(spec);
  if (!parsed.success) throw new Error(`KTLAB_TEST_MAX_SHARDS: expected a whole number of shards ≥ 0, got "${spec}"`);
  return parsed.data;
}
