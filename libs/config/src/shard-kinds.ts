/**
 * The kinds of shard task a sharded run (`clustering.shardRows` > 0) hands to other workers, shared by the pipeline
 * (which plans and executes them: libs/pipeline/src/sharding), the API (which queues them) and the portal (which
 * shows their progress). What each task's input holds is the pipeline's business; the queue stores it as JSON.
 */
import { z } from 'zod';

/** In pipeline order: feature extraction, the k-means init sample, one k-means map step per iteration, the assignment. */
export const SHARD_KINDS = ['features', 'kmeans-sample', 'kmeans-map', 'assign'] as const;
export const shardKindSchema = z.enum(SHARD_KINDS);
export type ShardKind = z.infer<typeof shardKindSchema>;

/** How the portal names each kind's steps. */
export const SHARD_KIND_LABEL: Readonly<Record<ShardKind, string>> = {
  features: 'features',
  'kmeans-sample': 'k-means init sample',
  'kmeans-map': 'k-means iteration',
  assign: 'pseudo-label assignment',
};

/** Which dataset's features a step extracts: the clustering data, or the pseudo-label data when it differs. */
export type FeatureRole = 'clustering' | 'labeling';

/** A feature step's number in the shard queue (its `iteration`): the two extractions are separate steps. */
export const FEATURE_STEP: Readonly<Record<FeatureRole, number>> = { clustering: 0, labeling: 1 };
