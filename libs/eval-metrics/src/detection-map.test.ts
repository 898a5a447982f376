import { describe, expect, it } from 'vitest';
import { boxIoU } from './box.js';
import { averagePrecision, detectionMap, type DetectionImage } from './detection-map.js';

const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

describe('boxIoU', () => {
  it('is intersection over union with w·h areas', () => {
    expect(boxIoU(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
    expect(boxIoU(box(0, 0, 10, 10), box(0, 0, 6, 10))).toBe(0.6);
    expect(boxIoU(box(0, 0, 10, 10), box(5, 5, 10, 10))).toBeCloseTo(25 / 175, 12);
    expect(boxIoU(box(0, 0, 10, 10), box(10, 0, 10, 10))).toBe(0);
  });
});

describe('detectionMap (COCO-style)', () => {
  it('gives 1 for perfect predictions on several images and classes', () => {
    const images: DetectionImage[] = [
      { groundTruth: [{ classId: 0, box: box(1, 2, 20, 30) }, { classId: 2, box: box(40, 40, 10, 12) }], detections: [] },
      { groundTruth: [{ classId: 1, box: box(5, 5, 50, 40) }], detections: [] },
    ];
    for (const image of images) image.detections = image.groundTruth.map((g, i) => ({ ...g, score: 0.9 - i * 0.1 }));
    const result = detectionMap(images, { numClasses: 3 });
    expect(result.map50).toBe(1);
    expect(result.map75).toBe(1);
    expect(result.map).toBe(1);
    expect(result.perClass.map((c) => c.groundTruthCount)).toEqual([1, 1, 1]);
  });

  it('a missed object caps recall: 51 of the 101 recall points at precision 1', () => {
    const result = detectionMap(
      [
        {
          groundTruth: [{ classId: 0, box: box(0, 0, 10, 10) }, { classId: 0, box: box(50, 50, 10, 10) }],
          detections: [{ classId: 0, box: box(0, 0, 10, 10), score: 0.8 }],
        },
      ],
      { numClasses: 1 },
    );
    expect(result.map50).toBeCloseTo(51 / 101, 12);
  });

  it('a duplicate detection is a false positive: it lowers AP only when it outranks a true one', () => {
    const gtA = { classId: 0, box: box(0, 0, 10, 10) };
    const gtB = { classId: 0, box: box(20, 20, 10, 10) };
    const harmless = detectionMap(
      [{ groundTruth: [gtA], detections: [{ ...gtA, score: 0.9 }, { ...gtA, score: 0.8 }] }],
      { numClasses: 1, iouThresholds: [0.5] },
    );
    expect(harmless.map50).toBe(1);
    // Ranked TP, FP (duplicate), TP: precision 1, 1/2, 2/3 → made non-increasing 1, 2/3, 2/3; recall 1/2, 1/2, 1.
    const harmful = detectionMap(
      [
        { groundTruth: [gtA], detections: [{ ...gtA, score: 0.9 }, { ...gtA, score: 0.8 }] },
        { groundTruth: [gtB], detections: [{ ...gtB, score: 0.7 }] },
      ],
      { numClasses: 1, iouThresholds: [0.5] },
    );
    expect(harmful.map50).toBeCloseTo((51 + 50 * (2 / 3)) / 101, 12);
    expect(harmful.perClass[0].detectionCount).toBe(3);
  });

  it('a detection with the wrong class matches nothing; classes without ground truth are left out of the mean', () => {
    const cat = { classId: 0, box: box(0, 0, 10, 10) };
    const dog = { classId: 1, box: box(30, 30, 10, 10) };
    const result = detectionMap(
      [{ groundTruth: [cat, dog], detections: [{ ...cat, score: 0.9 }, { classId: 0, box: dog.box, score: 0.8 }] }],
      { numClasses: 3 },
    );
    expect(result.perClass[0].ap.every((ap) => ap === 1)).toBe(true);
    expect(result.perClass[1].ap.every((ap) => ap === 0)).toBe(true);
    expect(result.perClass[2].ap.every(Number.isNaN)).toBe(true);
    expect(result.map50).toBe(0.5);
    expect(result.map).toBe(0.5);
  });

  it('a box at IoU 0.6 counts at 0.5 (and 0.55, 0.6) but not at 0.75', () => {
    const result = detectionMap(
      [{ groundTruth: [{ classId: 0, box: box(0, 0, 10, 10) }], detections: [{ classId: 0, box: box(0, 0, 6, 10), score: 0.5 }] }],
      { numClasses: 1 },
    );
    expect(result.map50).toBe(1);
    expect(result.map75).toBe(0);
    expect(result.mapAt).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(result.map).toBeCloseTo(0.3, 12);
  });

  it('matches greedily by score, not optimally: the top detection takes the object it overlaps most', () => {
    // The top detection overlaps object 1 at IoU 7/13 and object 2 at 9/11 and takes object 2; the second
    // detection then finds only object 1, at IoU 1/3, and is a false positive, although a one-to-one assignment
    // (top → 1, second → 2) would match both. COCOeval does the same.
    const one = { classId: 0, box: box(0, 0, 10, 10) };
    const two = { classId: 0, box: box(4, 0, 10, 10) };
    const top = { classId: 0, box: box(3, 0, 10, 10), score: 0.9 };
    const second = { classId: 0, box: box(5, 0, 10, 10), score: 0.8 };
    expect([boxIoU(top.box, one.box), boxIoU(top.box, two.box), boxIoU(second.box, one.box)]).toEqual([7 / 13, 9 / 11, 5 / 15]);
    const result = detectionMap([{ groundTruth: [one, two], detections: [top, second] }], { numClasses: 1, iouThresholds: [0.5] });
    expect(result.map50).toBeCloseTo(51 / 101, 12);
  });

  it('keeps only the top detections per image and class', () => {
    const object = { classId: 0, box: box(0, 0, 10, 10) };
    const falseAlarms = Array.from({ length: 3 }, (_, i) => ({ classId: 0, box: box(50 + i, 50, 5, 5), score: 0.9 }));
    const images = [{ groundTruth: [object], detections: [...falseAlarms, { ...object, score: 0.1 }] }];
    expect(detectionMap(images, { numClasses: 1, iouThresholds: [0.5], maxDetectionsPerImage: 3 }).map50).toBe(0);
    expect(detectionMap(images, { numClasses: 1, iouThresholds: [0.5] }).map50).toBeCloseTo(0.25, 12);
    // Detections of another class do not use up this class's quota (COCOeval caps per image and category).
    const otherClass = falseAlarms.map((d) => ({ ...d, classId: 1 }));
    const mixed = [{ groundTruth: [object], detections: [...otherClass, { ...object, score: 0.1 }] }];
    expect(detectionMap(mixed, { numClasses: 2, iouThresholds: [0.5], maxDetectionsPerImage: 3 }).map50).toBe(1);
  });

  it('names the image and field of bad input', () => {
    expect(() => detectionMap([{ groundTruth: [{ classId: 4, box: box(0, 0, 1, 1) }], detections: [] }], { numClasses: 3 })).toThrow(
      /image 0: ground-truth class 4 is outside 0..2/,
    );
    expect(() => detectionMap([{ groundTruth: [], detections: [{ classId: 0, box: box(0, 0, -1, 1), score: 1 }] }], { numClasses: 1 })).toThrow(
      /detection box/,
    );
  });
});

describe('averagePrecision', () => {
  it('is 0 without any detection and needs ground truth', () => {
    expect(averagePrecision([], 2)).toBe(0);
    expect(() => averagePrecision([], 0)).toThrow(/at least one ground-truth/);
  });
});

/**
 * Random cases (seeded LCG: 12 images, 3 classes, jittered true positives, wrong classes, duplicates, false alarms)
 * whose mAPs pycocotools 2.0.11's COCOeval computed (iouType 'bbox', stats[0..2]) from the same boxes written as
 * COCO JSON; the generator below is the one that wrote them.
 */
function randomCase(seed: number): DetectionImage[] {
  let state = seed;
  const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const classes = 3;
  return Array.from({ length: 12 }, () => {
    const groundTruth = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => ({
      classId: Math.floor(rand() * classes),
      box: { x: Math.floor(rand() * 60), y: Math.floor(rand() * 60), w: 8 + Math.floor(rand() * 30), h: 8 + Math.floor(rand() * 30) },
    }));
    const detections = [];
    for (const g of groundTruth) {
      const copies = Math.floor(rand() * 3);
      for (let c = 0; c < copies; c++) {
        detections.push({
          classId: rand() < 0.85 ? g.classId : Math.floor(rand() * classes),
          score: Math.round(rand() * 1000) / 1000,
          box: { x: g.box.x + (rand() - 0.5) * 8, y: g.box.y + (rand() - 0.5) * 8, w: g.box.w * (0.8 + rand() * 0.4), h: g.box.h * (0.8 + rand() * 0.4) },
        });
      }
    }
    for (let f = Math.floor(rand() * 3); f > 0; f--) {
      detections.push({ classId: Math.floor(rand() * classes), score: Math.round(rand() * 1000) / 1000, box: { x: rand() * 60, y: rand() * 60, w: 5 + rand() * 30, h: 5 + rand() * 30 } });
    }
    return { groundTruth, detections };
  });
}

describe('detectionMap against pycocotools', () => {
  it.each([
    [1, 0.13375508454206766, 0.3486297159127677, 0.06514615747289014],
    [2, 0.18291195190947668, 0.4012101210121012, 0.12272120069149772],
    [4, 0.1098134813481348, 0.31990341891331986, 0.005186232909005186],
    [8, 0.09683872804431919, 0.23953061972863945, 0.07011931962427012],
  ])('random case %i gives COCOeval\'s mAP, mAP@0.5 and mAP@0.75', (seed, map, map50, map75) => {
    const result = detectionMap(randomCase(seed), { numClasses: 3 });
    expect(result.map).toBeCloseTo(map, 12);
    expect(result.map50).toBeCloseTo(map50, 12);
    expect(result.map75).toBeCloseTo(map75, 12);
  });
});
