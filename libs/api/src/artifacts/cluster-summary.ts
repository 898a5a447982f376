/**
 * The cluster browser's summary as the pipeline writes it (libs/pipeline/src/cluster-summary.ts) and the
 * trainer uploads it: artifact `clusters-summary.json`, next to the sprite pages `clusters-sprite-NNN.png`.
 * Parsed here at the boundary; a summary that does not match is reported, never half-shown.
 */
import { z } from 'zod';
import type { Db } from '@ktlab/db';
import { readArtifact } from './artifact-store';

export const CLUSTER_SUMMARY_ARTIFACT = 'clusters-summary.json';
export const clusterSpriteArtifact = (sprite: string) => `clusters-${sprite}`;

const agreementSchema = z.object({ nmi: z.number(), ari: z.number(), purity: z.number() });

export const clusterSummarySchema = z.object({
  format: z.literal('ktlab.clusters'),
  version: z.literal(1),
  k: z.number().int().min(1),
  images: z.number().int().min(0),
  used: z.number().int().min(0),
  sizeStats: z.object({ min: z.number(), median: z.number(), max: z.number(), imbalance: z.number(), empty: z.number() }),
  agreement: agreementSchema.optional(),
  thumbSize: z.number().int().min(1),
  perCluster: z.number().int().min(1),
  clustersPerSprite: z.number().int().min(1),
  sprites: z.array(z.string()),
  clusters: z.array(
    z.object({
      id: z.number().int().min(0),
      size: z.number().int().min(1),
      nearest: z.array(z.string()),
      sprite: z.number().int().min(0),
      row: z.number().int().min(0),
      majorityClass: z.string().optional(),
      majorityShare: z.number().min(0).max(1).optional(),
    }),
  ),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

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
