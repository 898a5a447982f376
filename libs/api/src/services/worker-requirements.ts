/**
 * Matching runs' `config.requirements` to workers' capabilities, in SQL, so a worker's claim query only ever
 * picks runs (and shards of runs) it can execute. The same rule as `meetsRequirements` in @ktlab/config: a
 * missing requirement matches every worker; a worker that reported no capabilities (an older trainer, NULL
 * columns) matches no requirement, since a NULL comparison is never true.
 */
import { Prisma } from '@ktlab/db/client';
import { requirementsSchema, type Requirements } from '@ktlab/config';

/** True when worker row `w` meets the requirements of run row `r` (the query must use those aliases). */
export const workerMeetsRunRequirements = Prisma.sql`(
  (r.config->'requirements'->>'accelerator' IS NULL OR r.config->'requirements'->>'accelerator' = w.accelerator::text)
  AND (r.config->'requirements'->>'minMemoryGiB' IS NULL
       OR w."memoryBytes" >= (r.config->'requirements'->>'minMemoryGiB')::numeric * 1073741824)
)`;

/** A run's stored `config.requirements` (validated on write; anything else reads as none). */
export function parseRequirements(value: unknown): Requirements | undefined {
  const parsed = requirementsSchema.safeParse(value ?? undefined);
  return parsed.success ? parsed.data : undefined;
}
