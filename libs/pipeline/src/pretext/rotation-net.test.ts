import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '@ktlab/config';
import { rotationNetFor } from '../nets';

describe('rotationNetFor', () => {
  it.each([
    ['alexnet', 'conv5'],
    ['vgg', 'conv5_2'],
  ] as const)('puts a 4-way head on the %s trunk at the whole pretext image, sharing the trunk\'s layers', async (arch, lastConv) => {
    await tf.setBackend('cpu');
    const config = pipelineConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' }, pretext: { task: 'rotation', arch, imageSize: 32, widthMultiplier: 0.1 } });
    const { model, trunk } = rotationNetFor(config, 4);
    expect(model.inputs[0].shape).toEqual([null, 32, 32, 3]);
    expect(model.outputs[0].shape).toEqual([null, 4]);
    // The saved trunk is the trained one: the same layer objects as inside the rotation net.
    expect(model.getLayer(lastConv)).toBe(trunk.getLayer(lastConv));
    model.dispose();
  });
});
