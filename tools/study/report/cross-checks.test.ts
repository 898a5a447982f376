import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planStudy, SCALES } from '@ktlab/study';
import { syntheticResults } from '@ktlab/study/testing';
import { RANDOM_LINEAR_FILE, randomLinearSection, readRandomLinear, type RandomLinearCrossCheck } from './cross-checks';

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
