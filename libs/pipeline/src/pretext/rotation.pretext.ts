/**
 * Rotation prediction (Gidaris et al. 2018) on the same trunk as Jigsaw, at the whole image: each image in all
 * four rotations, a 4-way softmax. It owns no config field: the image size, arch and optimisation are shared.
 */
import { exampleRotationsFigure } from '../figures';
import { rotationNetFor } from '../nets';
import type { PretextTask } from './pretext-task';
import { ROTATIONS, rotationBatch } from './rotation-sampler';

export const rotation: PretextTask = {
  name: 'rotation',
  ownFields: [],
  async prepare(context, openImages) {
    const { config } = context;
    const images = await openImages();
    const size = images.height;
    return {
      classes: ROTATIONS,
      inputSize: size,
      examplesPerImage: ROTATIONS,
      examplesName: 'rotated images',
      description: `each image in all ${ROTATIONS} rotations (0/90/180/270°)`,
      sample(indices) {
        const batch = rotationBatch(images, indices);
        // The 'unit' scaling (0…255 → 0…1) that imagesToTensor gives every later stage, so the trunk sees the same inputs.
        const x = Float32Array.from(batch.images, (byte) => byte / 255);
        return { size: batch.size, x, shape: [size, size, batch.channels], labels: batch.labels };
      },
      build: () => rotationNetFor(config, ROTATIONS),
      figure: {
        name: 'example-rotations.png',
        draw: (indices, _seed, path) => exampleRotationsFigure(rotationBatch(images, indices), path),
      },
    };
  },
};
