/**
 * The cluster browser's summary as the pipeline writes it and the trainer uploads it (schema and artifact names:
 * libs/config/src/cluster-summary.ts): artifact `clusters-summary.json`, next to the sprite pages
 * `clusters-sprite-NNN.png`. Parsed here at the boundary; a summary that does not match is reported, never half-shown.
 */
import { z } from 'zod';
import { CLUSTER_SUMMARY_ARTIFACT, clusterSummarySchema, type ClusterSummary } from '@ktlab/config';
import type { Db } from '@ktlab/db';
import { readArtifact } from './artifact-store';

// Paging through k = 2000 clusters re-reads the same file; keep a few parsed summaries by content hash.
const cache = new Map<string, ClusterSummary>();
const CACHE_ENTRIES = 8;

/** The run's cluster summary, or undefined when the run has none (no k-means stage, or not uploaded yet). */
export async function readClusterSummary(db: Db, runId: string): Promise<ClusterSummary | undefined> {
  const artifact = await db.artifact.findUnique({ where: { runId_name: { runId, name: CLUSTER_SUMMARY_ARTIFACT } } });
  if (!artifact) return undefined;
  const cached = cache.get(artifact.sha256);
  if (cached) return cached;
  const parsed = clusterSummarySchema.safeParse(JSON.parse((await readArtifact(artifact.uri, artifact.sha256)).toString('utf8')));
  if (!parsed.success) throw new Error(`${CLUSTER_SUMMARY_ARTIFACT} of run ${runId} is not a valid cluster summary: ${z.prettifyError(parsed.error)}`);
  const oldest = cache.keys().next().value;
  if (cache.size >= CACHE_ENTRIES && oldest !== undefined) cache.delete(oldest);
  cache.set(artifact.sha256, parsed.data);
  return parsed.data;
}
