import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset } from '@ktlab/data';
import { extractFeatures } from '@ktlab/models';
import { selectBackend } from '@ktlab/tf-backend';
import { asImages } from '../datasets';
import { classifierFor } from '../nets';
import { frozenFeatures, PROBE_MAX_DIMS } from './frozen-features';

function tinyDataset(count: number, size: number): ImageDataset {
  const images = new Uint8Array(count * size * size * 3);
  for (let i = 0; i < images.length; i++) images[i] = (i * 2_654_435_761) >>> 24;
  return {
    count,
    size,
    channels: 3,
    images,
    labels: Int32Array.from({ length: count }, (_, i) => i % 2),
    classes: ['a', 'b'],
    ids: Array.from({ length: count }, (_, i) => `${i}.png`),
    skipped: [],
    loadedFrom: 'source',
  };
}

describe('frozenFeatures', () => {
  beforeAll(() => selectBackend({}, pino({ level: 'silent' })));

  it('gives every layer exactly the features of a per-layer extraction, from one pass', async () => {
    const model = classifierFor('alexnet', 32, 0.25, 3, 5);
    const data = tinyDataset(7, 32);
    const layers = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'];
    const together = await frozenFeatures(model, layers, data);
    for (const layer of layers) {
      const alone = await extractFeatures(model, layer, asImages(data), { maxDims: PROBE_MAX_DIMS, batchSize: 128 });
      const probe = together.get(layer)!;
      expect(probe.dims).toBe(alone.dims);
      expect(probe.labels).toBe(data.labels);
      expect(Array.from(probe.features)).toEqual(Array.from(alone.data));
    }
    model.dispose();
  });
});
