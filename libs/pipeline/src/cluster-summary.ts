/**
 * The cluster browser's data for a run: `<runDir>/clusters/summary.json` (every cluster by size, its majority
 * ground-truth class, NMI / ARI / purity) and thumbnail sprites holding the images nearest each centroid.
 *
 * Sprites are pages: sprite p holds clusters p·perSprite … (p+1)·perSprite−1 in size order, one row per cluster,
 * `perCluster` thumbnails per row (nearest first). Palette PNGs keep a k = 2000 run at a few hundred KB per page.
 * The file's schema is the config's `clusterSummarySchema`, which the portal parses it with.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { CLUSTER_SUMMARY_FORMAT, CLUSTER_SUMMARY_VERSION, type ClusterEntry, type ClusterSummary } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import { clusterSizeStats, labelAgreement, readPseudoLabels } from '@ktlab/kmeans';

export interface ClusterSummaryOptions {
  /** Thumbnails per cluster (the images nearest its centroid). */
  perCluster?: number;
  /** Clusters per sprite page. */
  clustersPerSprite?: number;
  /** Thumbnail edge in pixels. */
  thumbSize?: number;
}

const DEFAULTS = { perCluster: 8, clustersPerSprite: 100, thumbSize: 32 };

export function spriteName(page: number): string {
  return `sprite-${String(page).padStart(3, '0')}.png`;
}

/**
 * The summary (without pixels): clusters sorted by size, each with the members nearest its centroid.
 * `distances` are each image's distance to its own centroid; without them members keep dataset order.
 */
export function summarizeClusters(input: {
  k: number;
  labels: ArrayLike<number>;
  ids: string[];
  distances?: ArrayLike<number>;
  groundTruth?: ArrayLike<number>;
  classes?: string[];
  options?: ClusterSummaryOptions;
}): ClusterSummary {
  const { k, labels, ids, distances, groundTruth, classes } = input;
  const { perCluster, clustersPerSprite, thumbSize } = { ...DEFAULTS, ...input.options };
  if (ids.length !== labels.length) throw new RangeError(`${ids.length} image ids for ${labels.length} pseudo-labels`);
  if (labels.length === 0) throw new RangeError('no pseudo-labels to summarise');
  if (distances && distances.length !== labels.length) throw new RangeError(`${distances.length} distances for ${labels.length} pseudo-labels`);
  if (groundTruth && groundTruth.length !== labels.length) throw new RangeError(`${groundTruth.length} ground-truth labels for ${labels.length} pseudo-labels`);
  const members = Array.from({ length: k }, () => [] as number[]);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= k) throw new RangeError(`pseudo-label ${label} of ${ids[i]} is outside [0, ${k})`);
    members[label].push(i);
  }
  const order = members
    .map((m, id) => ({ id, m }))
    .filter((cluster) => cluster.m.length > 0)
    .sort((a, b) => b.m.length - a.m.length || a.id - b.id);
  const clusters = order.map(({ id, m }, index): ClusterEntry => {
    const nearest = distances ? [...m].sort((a, b) => distances[a] - distances[b] || a - b) : m;
    const entry: ClusterEntry = {
      id,
      size: m.length,
      nearest: nearest.slice(0, perCluster).map((image) => ids[image]),
      sprite: Math.floor(index / clustersPerSprite),
      row: index % clustersPerSprite,
    };
    if (groundTruth) {
      const counts = new Map<number, number>();
      for (const image of m) counts.set(groundTruth[image], (counts.get(groundTruth[image]) ?? 0) + 1);
      let best = -1;
      let bestCount = 0;
      for (const [label, count] of counts) if (count > bestCount || (count === bestCount && label < best)) [best, bestCount] = [label, count];
      entry.majorityClass = classes?.[best] ?? String(best);
      entry.majorityShare = bestCount / m.length;
    }
    return entry;
  });
  const sizes = members.map((m) => m.length);
  return {
    format: CLUSTER_SUMMARY_FORMAT,
    version: CLUSTER_SUMMARY_VERSION,
    k,
    images: labels.length,
    used: order.length,
    sizeStats: clusterSizeStats(sizes),
    ...(groundTruth ? { agreement: labelAgreement(labels, groundTruth) } : {}),
    thumbSize,
    perCluster,
    clustersPerSprite,
    sprites: Array.from({ length: Math.ceil(order.length / clustersPerSprite) }, (_, page) => spriteName(page)),
    clusters,
  };
}

/** Box-filter resize of one square image (S×S×C, interleaved) to T×T RGB. */
export function thumbnail(image: Uint8Array, size: number, channels: number, target: number): Uint8Array {
  const out = new Uint8Array(target * target * 3);
  const scale = size / target;
  for (let ty = 0; ty < target; ty++) {
    const y0 = Math.floor(ty * scale);
    const y1 = Math.max(y0 + 1, Math.floor((ty + 1) * scale));
    for (let tx = 0; tx < target; tx++) {
      const x0 = Math.floor(tx * scale);
      const x1 = Math.max(x0 + 1, Math.floor((tx + 1) * scale));
      for (let c = 0; c < 3; c++) {
        const channel = channels === 1 ? 0 : c;
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += image[(y * size + x) * channels + channel];
        out[(ty * target + tx) * 3 + c] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return out;
}

/** Sprite page `page`: rows of thumbnails, white where a cluster has fewer than perCluster images. */
export function spritePixels(summary: ClusterSummary, page: number, data: ImageDataset, indexOf: Map<string, number>): { width: number; height: number; pixels: Uint8Array } {
  const { thumbSize: t, perCluster, clustersPerSprite } = summary;
  const rows = summary.clusters.slice(page * clustersPerSprite, (page + 1) * clustersPerSprite);
  const width = perCluster * t;
  const height = rows.length * t;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  const bytes = data.size * data.size * data.channels;
  rows.forEach((cluster, row) => {
    cluster.nearest.forEach((id, column) => {
      const index = indexOf.get(id);
      if (index === undefined) throw new Error(`image ${id} of cluster ${cluster.id} is not in the dataset`);
      const thumb = thumbnail(data.images.subarray(index * bytes, (index + 1) * bytes), data.size, data.channels, t);
      for (let y = 0; y < t; y++) pixels.set(thumb.subarray(y * t * 3, (y + 1) * t * 3), ((row * t + y) * width + column * t) * 3);
    });
  });
  return { width, height, pixels };
}

/**
 * Writes `<dir>/summary.json` and `<dir>/sprite-NNN.png` for a pseudo-label file whose images are `data`
 * (the dataset the pseudo-labels were computed on). Returns the summary.
 */
export async function writeClusterSummary(labelsPath: string, data: ImageDataset, dir: string, options: ClusterSummaryOptions = {}): Promise<ClusterSummary> {
  const pseudo = await readPseudoLabels(labelsPath);
  const indexOf = new Map(data.ids.map((id, index) => [id, index]));
  const truth = data.labels;
  const groundTruth = truth
    ? Int32Array.from(pseudo.ids, (id) => {
        const index = indexOf.get(id);
        if (index === undefined) throw new Error(`pseudo-labelled image ${id} is not in the dataset`);
        return truth[index];
      })
    : undefined;
  const summary = summarizeClusters({ k: pseudo.k, labels: pseudo.labels, ids: pseudo.ids, distances: pseudo.distances, groundTruth, classes: data.classes, options });
  mkdirSync(dir, { recursive: true });
  for (let page = 0; page < summary.sprites.length; page++) {
    const { width, height, pixels } = spritePixels(summary, page, data, indexOf);
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .png({ palette: true, compressionLevel: 9 })
      .toFile(join(dir, summary.sprites[page]));
  }
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  return summary;
}
