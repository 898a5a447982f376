import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDir } from '@ktlab/config/paths';
import { extractFeaturesAtTaps } from '@ktlab/models';
import { PROBE_MAX_DIMS, targetClassifierFor } from '@ktlab/pipeline';
import { planStudy, SCALES } from '@ktlab/study';
import { PEER_PYTHON } from '../../bench/support/peer-python';
import { randomLinearSchema } from '../report/cross-checks';
import { randomLinearArguments } from './run-cross-check';

const dataRoot = join(sharedDir(), 'datasets', 'cifar10');
const hasData = existsSync(join(dataRoot, 'train')) && existsSync(join(dataRoot, 'test'));
const hasTorch = spawnSync(PEER_PYTHON, ['-c', 'import torch, PIL']).status === 0;
if (!hasTorch) console.warn(`skipping the PyTorch cross-check run: ${PEER_PYTHON} cannot import torch and PIL (apt-get install -y python3-torch python3-pil)`);
const workDir = mkdtempSync(join(tmpdir(), 'ktlab-cross-check-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
// Only layer shapes matter here: the reference backend builds the net.
beforeAll(() => tf.setBackend('cpu'));

const medium = planStudy({ scale: SCALES.medium, dataRoot, only: ['random'] });

describe('randomLinearArguments', () => {
  it('takes every setting from the plan\'s Random cells', () => {
    const args = randomLinearArguments(medium, '/tmp/out.json', 2);
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(args[0]).toMatch(/cross-checks\/random_linear\.py$/);
    expect(value('--data')).toBe(dataRoot);
    expect(value('--seeds')).toBe('0,1,2');
    expect(value('--epochs')).toBe(String(SCALES.medium.evaluation.epochs));
    expect(value('--width')).toBe(String(SCALES.medium.target.widthMultiplier));
    expect(value('--size')).toBe('32');
    expect([value('--train-limit'), value('--test-limit')]).toEqual(['50000', '10000']);
    expect(value('--out')).toBe('/tmp/out.json');
  });

  it('refuses a plan without a Random cell', () => {
    const noRandom = planStudy({ scale: SCALES.medium, dataRoot, only: ['jigsaw'] });
    expect(() => randomLinearArguments(noRandom, '/tmp/out.json', 2)).toThrow(/no Random cell/);
  });
});

describe.skipIf(!hasTorch || !hasData)('random_linear.py (PyTorch)', () => {
  it('probes the layers ktlab probes, at the dims ktlab pools them to, and writes a result the report accepts', { timeout: 120_000 }, async () => {
    const out = join(workDir, 'random-linear.json');
    const args = randomLinearArguments(medium, out, 1).map((arg, i, all) =>
      all[i - 1] === '--train-limit' ? '200' : all[i - 1] === '--test-limit' ? '100' : all[i - 1] === '--seeds' ? '0' : all[i - 1] === '--epochs' ? '1' : arg,
    );
    const run = spawnSync(PEER_PYTHON, args, { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const result = randomLinearSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(result.images).toEqual({ train: 200, test: 100 });

    // The same net as the Random row evaluates, built by ktlab: its probe dims per layer must be the script's.
    const config = medium.cells[0]!.config;
    const net = targetClassifierFor(config, 10);
    const taps = Object.keys(result.seeds[0]!.layers);
    expect(taps).toEqual(config.evaluation.layers);
    const features = await extractFeaturesAtTaps(net, taps, { data: new Uint8Array(32 * 32 * 3), count: 1, height: 32, width: 32, channels: 3 }, { maxDims: PROBE_MAX_DIMS });
    net.dispose();
    expect(Object.fromEntries(taps.map((tap) => [tap, result.seeds[0]!.layers[tap]!.dims]))).toEqual(Object.fromEntries(taps.map((tap) => [tap, features.get(tap)!.dims])));
    expect(result.seeds[0]!.pixels.dims).toBe(32 * 32 * 3);
  });
});
