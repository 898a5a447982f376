import { presetConfig } from '@ktlab/config';
import { describe, expect, it } from 'vitest';
import { figureCaption } from './figure-captions';

const data = { path: '/d' };

describe('figure captions', () => {
  it('names the network of the conv1 filters', () => {
    expect(figureCaption('conv1-filters.png', presetConfig('cc-vgg-jigsaw++', { data }))).toContain('the target alexnet network, trained to predict the cluster ids');
    expect(figureCaption('conv1-filters.png', presetConfig('jigsaw', { data }))).toContain('trained on the jigsaw pretext task (no transfer)');
    expect(figureCaption('conv1-filters.png', presetConfig('random', { data }))).toContain('randomly initialised');
  });

  it('says which layer and k the cluster rows come from, and the puzzles’ augmentation', () => {
    expect(figureCaption('cluster-neighbours.png', presetConfig('cc-jigsaw++', { data, quick: true }))).toMatch(/k = 100\) on conv4 features of the pretext network/);
    expect(figureCaption('cluster-neighbours.png', presetConfig('cc-hog', { data }))).toContain('on HOG descriptors');
    expect(figureCaption('example-puzzles.png', presetConfig('cc-jigsaw++', { data }))).toMatch(/jigsaw\+\+, 701 permutations.*up to 2\) framed in red.*50% of puzzles are made gray/);
    expect(figureCaption('example-rotations.png', presetConfig('cc-rotation', { data }))).toMatch(/rotation.*0°, 90°, 180° and 270°/);
    expect(figureCaption('other.png', {})).toBeUndefined();
    expect(figureCaption('detection-frozen.png', presetConfig('cc-jigsaw++', { data }))).toMatch(/^Detection on test scenes \(96×96.*conv1…conv5 frozen.*highest-scoring boxes, as many as the scene has objects, and any others with score ≥ 0\.3/);
    expect(figureCaption('segmentation-all.png', { evaluation: { dense: { canvasSize: 128 } } })).toMatch(/^Segmentation on test scenes \(128×128.*fine-tuned with the head.*predicted one \(right\)/);
    expect(figureCaption('detection-conv3.png', {})).toBeUndefined();
    const rows = [{ id: 7, rank: 1, size: 1200 }, { id: 3, rank: 6, size: 40 }];
    expect(figureCaption('cluster-neighbours.png', presetConfig('cc-jigsaw++', { data }), rows)).toContain('2 clusters evenly spaced by size (largest at the top), one per row, with the 10 images nearest its centroid. Rows, top to bottom: cluster 7 (#1, 1,200 images), cluster 3 (#6, 40 images).');
  });
});
