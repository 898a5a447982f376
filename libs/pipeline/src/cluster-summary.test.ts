import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterSummarySchema } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import { labelAgreement, writePseudoLabels } from '@ktlab/kmeans';
import { summarizeClusters, thumbnail, writeClusterSummary } from './cluster-summary';

/** 9 images of 4×4 grey levels; image i is uniformly 20·i, so a thumbnail tells which image it is. */
function tinyDataset(): ImageDataset {
  const count = 9;
  const size = 4;
  const images = new Uint8Array(count * size * size * 3);
  for (let i = 0; i < count; i++) images.fill(20 * i + 10, i * size * size * 3, (i + 1) * size * size * 3);
  return {
    count,
    size,
    channels: 3,
    images,
    labels: Int32Array.from([0, 0, 1, 1, 1, 1, 2, 2, 0]),
    classes: ['cat', 'dog', 'ship'],
    ids: Array.from({ length: count }, (_, i) => `img-${i}.png`),
    skipped: [],
    loadedFrom: 'source',
  };
}

// cluster 2 has 4 images, cluster 0 has 3, cluster 3 has 2, cluster 1 is empty
const labels = Int32Array.from([0, 0, 2, 2, 2, 2, 3, 3, 0]);
const distances = Float32Array.from([0.5, 0.1, 0.4, 0.3, 0.2, 0.1, 0.9, 0.8, 0.3]);

describe('cluster summary', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('sorts clusters by size with the images nearest their centroid, majority class and agreement', () => {
    const data = tinyDataset();
    const summary = summarizeClusters({ k: 4, labels, ids: data.ids, distances, groundTruth: data.labels, classes: data.classes, options: { perCluster: 3, clustersPerSprite: 2 } });
    expect(summary.used).toBe(3);
    expect(summary.clusters.map((c) => [c.id, c.size])).toEqual([[2, 4], [0, 3], [3, 2]]);
    expect(summary.clusters[0].nearest).toEqual(['img-5.png', 'img-4.png', 'img-3.png']);
    expect(summary.clusters[1].nearest).toEqual(['img-1.png', 'img-8.png', 'img-0.png']);
    expect(summary.clusters[2].nearest).toEqual(['img-7.png', 'img-6.png']);
    expect(summary.clusters.map((c) => [c.sprite, c.row])).toEqual([[0, 0], [0, 1], [1, 0]]);
    expect(summary.sprites).toEqual(['sprite-000.png', 'sprite-001.png']);
    expect(summary.clusters.map((c) => [c.majorityClass, c.majorityShare])).toEqual([['dog', 1], ['cat', 1], ['ship', 1]]);
    expect(summary.sizeStats).toMatchObject({ min: 0, max: 4, empty: 1 });
    expect(summary.agreement).toEqual(labelAgreement(labels, data.labels!));
    expect(summary.agreement?.purity).toBe(1);
  });

  it('leaves out class information for unlabeled data and refuses mismatched inputs', () => {
    const summary = summarizeClusters({ k: 4, labels, ids: tinyDataset().ids });
    expect(summary.agreement).toBeUndefined();
    expect(summary.clusters[0].majorityClass).toBeUndefined();
    expect(summary.clusters[0].nearest).toEqual(['img-2.png', 'img-3.png', 'img-4.png', 'img-5.png']);
    expect(() => summarizeClusters({ k: 2, labels, ids: tinyDataset().ids })).toThrow(/outside \[0, 2\)/);
    expect(() => summarizeClusters({ k: 4, labels, ids: ['a'] })).toThrow(/1 image ids for 9/);
  });

  it('averages boxes when shrinking a thumbnail and repeats pixels when enlarging it', () => {
    const image = Uint8Array.from([0, 0, 0, 100, 100, 100, 200, 200, 200, 50, 50, 50]); // 2×2 RGB
    expect([...thumbnail(image, 2, 3, 1)]).toEqual([88, 88, 88]);
    expect([...thumbnail(Uint8Array.from([7, 9, 11, 13]), 2, 1, 4)].slice(0, 12)).toEqual([7, 7, 7, 7, 7, 7, 9, 9, 9, 9, 9, 9]);
  });

  it('writes summary.json and sprite pages whose rows hold each cluster\'s nearest images', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktlab-clusters-'));
    dirs.push(dir);
    const data = tinyDataset();
    const labelsPath = join(dir, 'labels.ktpl');
    await writePseudoLabels(labelsPath, { k: 4, ids: data.ids, labels, distances });
    const written = await writeClusterSummary(labelsPath, data, join(dir, 'clusters'), { perCluster: 3, clustersPerSprite: 2, thumbSize: 2 });
    // the file is what the portal reads: it parses with the shared schema, unchanged
    const stored = clusterSummarySchema.parse(JSON.parse(readFileSync(join(dir, 'clusters', 'summary.json'), 'utf8')));
    expect(stored).toEqual(written);
    const page0 = await sharp(join(dir, 'clusters', 'sprite-000.png')).raw().toBuffer({ resolveWithObject: true });
    expect([page0.info.width, page0.info.height]).toEqual([6, 4]);
    const pixel = (x: number, y: number) => page0.data[(y * page0.info.width + x) * page0.info.channels];
    // row 0 = cluster 2: images 5, 4, 3 (grey 110, 90, 70); row 1 = cluster 0: images 1, 8, 0
    expect([pixel(0, 0), pixel(2, 0), pixel(4, 0)]).toEqual([110, 90, 70]);
    expect([pixel(0, 2), pixel(2, 2), pixel(4, 2)]).toEqual([30, 170, 10]);
    const page1 = await sharp(join(dir, 'clusters', 'sprite-001.png')).raw().toBuffer({ resolveWithObject: true });
    expect([page1.info.width, page1.info.height]).toEqual([6, 2]);
    // cluster 3 has two images: the third slot stays white
    expect(page1.data[4 * page1.info.channels]).toBe(255);
  });
});
