/**
 * The cluster browser's summary of a run: written by the pipeline (`<runDir>/clusters/summary.json`, with thumbnail
 * sprite pages `sprite-NNN.png`: libs/pipeline/src/cluster-summary.ts), uploaded by the trainer as the run's
 * artifacts `clusters-<file>`, and read by the API, which refuses a summary that does not match rather than show part
 * of it.
 */
import { z } from 'zod';

export const CLUSTER_SUMMARY_FORMAT = 'ktlab.clusters';
export const CLUSTER_SUMMARY_VERSION = 1;

/** The artifact name of a file of the run's `clusters/` folder. */
export const clusterArtifactName = (file: string): string => `clusters-${file}`;
/** The summary's artifact, uploaded after its sprites. */
export const CLUSTER_SUMMARY_ARTIFACT = clusterArtifactName('summary.json');

export const clusterEntrySchema = z.object({
  /** The cluster's index in the k-means model (its pseudo-label). */
  id: z.number().int().min(0),
  size: z.number().int().min(1),
  /** Ids of the images nearest the centroid, nearest first (at most perCluster). */
  nearest: z.array(z.string()),
  /** Sprite page and row of this cluster's thumbnails. */
  sprite: z.number().int().min(0),
  row: z.number().int().min(0),
  /** The most frequent ground-truth class in the cluster and its share of the cluster, when labels exist. */
  majorityClass: z.string().optional(),
  majorityShare: z.number().min(0).max(1).optional(),
});
export type ClusterEntry = z.infer<typeof clusterEntrySchema>;

export const clusterSummarySchema = z.object({
  format: z.literal(CLUSTER_SUMMARY_FORMAT),
  version: z.literal(CLUSTER_SUMMARY_VERSION),
  k: z.number().int().min(1),
  images: z.number().int().min(0),
  /** Clusters with at least one image. */
  used: z.number().int().min(0),
  /** Cluster sizes: min, median, max, faiss's imbalance factor, empty clusters. */
  sizeStats: z.object({ min: z.number(), median: z.number(), max: z.number(), imbalance: z.number(), empty: z.number() }),
  /** Pseudo-labels against the ground truth, when the images have labels. */
  agreement: z.object({ nmi: z.number(), ari: z.number(), purity: z.number() }).optional(),
  thumbSize: z.number().int().min(1),
  perCluster: z.number().int().min(1),
  clustersPerSprite: z.number().int().min(1),
  /** Sprite file names, page order. */
  sprites: z.array(z.string()),
  /** Non-empty clusters, largest first (ties by id). */
  clusters: z.array(clusterEntrySchema),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;
