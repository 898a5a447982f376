import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '@ktlab/config';
import { selectBackend } from '@ktlab/tf-backend';
import { classifierFor } from '../nets';
import { faintStripes } from '../testing/faint-stripes';
import { recordingContext } from '../testing/recording-context';
import { nonlinearBudgets } from './nonlinear-budget';

const config = pipelineConfigSchema.parse({
  kind: 'pipeline',
  seed: 0,
  imageSize: 32,
  data: { path: '/unused' },
  target: { widthMultiplier: 0.25 },
  evaluation: { trainEpochs: 2, batchSize: 16, learningRate: 0.01, trainLimit: 16 },
});

describe('nonlinearBudgets', () => {
  beforeAll(() => selectBackend({}, pino({ level: 'silent' })));

  it('trains the layers after the tap on cached standardised features, once per budget: more training learns a faint signal that 16 images do not', async () => {
    const random = classifierFor('alexnet', 32, 0.25, 7, 99);
    const context = recordingContext(config);
    const { metrics, logs } = context;
    const run = await nonlinearBudgets(context, random, 'conv5', { train: faintStripes(128, 1), test: faintStripes(64, 2), numClasses: 2 }, [
      { images: 16, epochs: 1 },
      { images: 1_000, epochs: 3 },
    ]);
    random.dispose();
    expect(run).toMatchObject({ layer: 'conv5', boundary: 'fc6_flatten', dims: 4 * 4 * 64 });
    // The budget is clipped to the images there are; each result says what it trained on.
    expect(run.results.map(({ images, epochs }) => ({ images, epochs }))).toEqual([{ images: 16, epochs: 1 }, { images: 128, epochs: 3 }]);
    const [small, large] = run.results;
    expect(large!.top1).toBeGreaterThan(0.85);
    expect(large!.top1).toBeGreaterThan(small!.top1);
    // Trained with the protocol's loop: its per-epoch metrics, 1 step for 16 images, 8 per epoch for 128.
    expect(metrics.get('eval/nonlinear-budget/conv5/epoch_loss@2')).toBeGreaterThan(0);
    expect(logs).toEqual([
      `nonlinear conv5, 16 images × 1 epochs on cached features: ${(100 * small!.top1).toFixed(1)}%`,
      `nonlinear conv5, 128 images × 3 epochs on cached features: ${(100 * large!.top1).toFixed(1)}%`,
    ]);
  });
});
