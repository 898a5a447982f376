import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planStudy, SCALES } from '@ktlab/study';
import { syntheticResults } from '@ktlab/study/testing';
import { budgetsFor } from '../cross-checks/nonlinear-budget';
import { type NonlinearBudgetCheck, nonlinearBudgetSection, RANDOM_LINEAR_FILE, randomLinearSection, readRandomLinear, type RandomLinearCrossCheck } from './cross-checks';

const plan = planStudy({ scale: SCALES.medium, dataRoot: '/data/cifar10', only: ['random'] });
const LAYERS = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'];
/** ktlab's Random cells at `ktlab` on every layer, ±0.4 points from seed to seed. */
const cellsAt = (ktlab: number) => syntheticResults(plan, (cell) => ktlab + [0, 0.004, -0.004][cell.seed]!).cells;

function crossCheck(best: number[], pixels = 0.39): RandomLinearCrossCheck {
  return {
    net: { arch: 'alexnet', widthMultiplier: 0.25, imageSize: 32, init: 'He normal' },
    probe: { epochs: 10, maxDims: 9216 },
    images: { train: 50_000, test: 10_000 },
    machine: { cpuModel: 'Test CPU', isa: 'AVX2', threads: 2, torch: '1.13' },
    seeds: best.map((top1, seed) => ({ seed, layers: Object.fromEntries(LAYERS.map((layer, i) => [layer, { dims: 4096, top1: top1 - (i === 2 ? 0 : 0.01) }])), pixels: { dims: 3072, top1: pixels } })),
    wallSeconds: 600,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'ktlab-cross-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('randomLinearSection', () => {
  it('puts both implementations side by side and says they agree when the best layers are within the seeds\' noise', () => {
    const text = randomLinearSection(cellsAt(0.56), crossCheck([0.555, 0.562, 0.558])).join('\n');
    expect(text).toContain('### Cross-check: the Random row rebuilt in PyTorch');
    expect(text).toContain('| ktlab Random row (this study) | 56.0 ± 0.4 | 56.0 ± 0.4 | 56.0 ± 0.4 | 56.0 ± 0.4 | 56.0 ± 0.4 | — | 3 |');
    expect(text).toContain('| PyTorch, never-trained net | 54.8 ± 0.4 | 54.8 ± 0.4 | 55.8 ± 0.4 | 54.8 ± 0.4 | 54.8 ± 0.4 | 39.0 ± 0.0 | 3 |');
    expect(text).toMatch(/The two implementations agree and both lie outside the anchor's 35\.0%–45\.0%/);
  });

  it('calls ktlab\'s Random row suspect when PyTorch lands in the anchor\'s range and ktlab does not', () => {
    const text = randomLinearSection(cellsAt(0.56), crossCheck([0.40, 0.41, 0.405])).join('\n');
    expect(text).toMatch(/\+15\.5 points, Welch p < 0\.001/);
    expect(text).toContain('ktlab\'s Random row is suspect');
  });

  it('says the two disagree when they differ significantly and neither is in the range', () => {
    expect(randomLinearSection(cellsAt(0.56), crossCheck([0.62, 0.63, 0.625])).join('\n')).toContain('The two implementations disagree');
  });

  it('is absent without a cross-check', () => {
    expect(randomLinearSection(cellsAt(0.56), undefined)).toEqual([]);
  });
});

describe('readRandomLinear', () => {
  it('reads nothing when the cross-check has not run, and names the file and field of a malformed one', () => {
    expect(readRandomLinear(dir)).toBeUndefined();
    mkdirSync(join(dir, 'cross-checks'));
    const broken = { ...crossCheck([0.5]), seeds: [{ seed: 0, layers: { conv1: { dims: 10, top1: 1.5 } }, pixels: { dims: 3, top1: 0.3 } }] };
    writeFileSync(join(dir, RANDOM_LINEAR_FILE), JSON.stringify(broken));
    expect(() => readRandomLinear(dir)).toThrow(/random-linear\.json: seeds\.0\.layers\.conv1\.top1: /);
    writeFileSync(join(dir, RANDOM_LINEAR_FILE), JSON.stringify(crossCheck([0.5])));
    expect(readRandomLinear(dir)?.seeds).toHaveLength(1);
  });
});

describe('nonlinear-budget', () => {
  it('measures the protocol\'s budget, all images, and all images for longer on the deepest layer only', () => {
    const protocol = { images: 10_000, epochs: 10 };
    expect(budgetsFor('conv3', ['conv3', 'conv5'], protocol, 50_000)).toEqual([protocol, { images: 50_000, epochs: 10 }]);
    expect(budgetsFor('conv5', ['conv3', 'conv5'], protocol, 50_000)).toEqual([protocol, { images: 50_000, epochs: 10 }, { images: 50_000, epochs: 30 }]);
    // A protocol that already trains on every image is not measured twice.
    expect(budgetsFor('conv5', ['conv5'], { images: 800, epochs: 2 }, 800)).toEqual([{ images: 800, epochs: 2 }, { images: 800, epochs: 6 }]);
  });

  const check: NonlinearBudgetCheck = {
    cell: 'random-s0',
    images: { train: 50_000, test: 10_000 },
    protocol: { images: 10_000, epochs: 10, augment: { flip: true, shift: 0.125 } },
    machine: { cpuModel: 'Test CPU', isa: 'AVX2', backend: 'ktlab-wasm (cpu)', threads: 2 },
    layers: [
      { layer: 'conv3', boundary: 'conv3_relu', dims: 6144, linear: 0.56, nonlinearAsRun: 0.483, results: [{ images: 10_000, epochs: 10, top1: 0.522, seconds: 120 }, { images: 50_000, epochs: 10, top1: 0.54, seconds: 600 }] },
      { layer: 'conv5', boundary: 'fc6_flatten', dims: 1024, linear: 0.547, nonlinearAsRun: 0.453, results: [{ images: 10_000, epochs: 10, top1: 0.499, seconds: 35 }, { images: 50_000, epochs: 30, top1: 0.6, seconds: 470 }] },
    ],
    wallSeconds: 1_300,
  };

  it('shows each layer\'s budgets between the protocol as run and the linear probe, and says where more training reaches the linear probe', () => {
    const text = nonlinearBudgetSection(check).join('\n');
    expect(text).toContain('| conv5 | the protocol as the cell ran it (10,000 images × 10 epochs, augmented) | 45.3% |\n| conv5 | 10,000 images × 10 epochs, cached features | 49.9% |\n| conv5 | 50,000 images × 30 epochs, cached features | 60.0% |\n| conv5 | linear probe (same frozen layer) | 54.7% |');
    expect(text).toContain('- conv5: best 60.0% with 50,000 images × 30 epochs (+10.1 points over the protocol\'s budget on the same cached features), at or above the linear probe\'s 54.7%: the protocol\'s budget, not the frozen features, held the nonlinear score down.');
    expect(text).toContain('- conv3: best 54.0% with 50,000 images × 10 epochs (+1.8 points over the protocol\'s budget on the same cached features), still below the linear probe\'s 56.0%.');
    expect(nonlinearBudgetSection(undefined)).toEqual([]);
  });
});
