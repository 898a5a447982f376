import { describe, expect, it } from 'vitest';
import { detectionMap, meanIoU } from '@ktlab/eval-metrics';
import { decodeCenterNet, encodeCenterNetTargets } from '@ktlab/models';
import { generateSceneSplits } from './generate-scenes.js';
import { syntheticSource } from './testing/synthetic-source.js';

/**
 * The three libraries agree on boxes: scene annotations → CenterNet targets at AlexNet conv5's stride (12 px at
 * 96×96) → decoded boxes → COCO mAP. A perfect head scores 1 except where two objects put their centres in the same
 * cell, which then share one size and offset: the ceiling the 8×8 grid sets on this benchmark.
 */
describe('scenes → CenterNet targets → mAP', () => {
  it('scores exact targets at 1 on scenes without centre collisions, and class maps at mean IoU 1', () => {
    const { test, classes } = generateSceneSplits({ train: syntheticSource(40, { classes: 10 }), test: syntheticSource(40, { classes: 10 }) }, { trainScenes: 1, testScenes: 60, seed: 4 });
    const geometry = { numClasses: classes.length, inputSize: 96, stride: 12 };
    // Size and offset planes are class-agnostic (as in CenterNet), so any two objects in one cell collide.
    const cellOf = (o: { box: { x: number; y: number; w: number; h: number } }) => `${Math.floor((o.box.x + o.box.w / 2) / 12)},${Math.floor((o.box.y + o.box.h / 2) / 12)}`;
    const clean = test.filter((scene) => new Set(scene.objects.map(cellOf)).size === scene.objects.length);
    expect(clean.length).toBeGreaterThan(50);

    const images = clean.map((scene) => ({
      groundTruth: scene.objects,
      detections: decodeCenterNet(encodeCenterNetTargets(scene.objects, geometry), geometry),
    }));
    const result = detectionMap(images, { numClasses: classes.length });
    expect(result.map50).toBe(1);
    expect(result.map).toBe(1);

    const scores = meanIoU(
      clean.flatMap((s) => Array.from(s.classMap)),
      clean.flatMap((s) => Array.from(s.classMap)),
      classes.length + 1,
    );
    expect(scores.meanIoU).toBe(1);
  });
});
