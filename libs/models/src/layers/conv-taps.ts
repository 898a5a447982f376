import type * as tf from '@tensorflow/tfjs';
import { leafLayers } from './nested-models.js';

/**
 * The conv taps of a model in depth order, as accepted by extractFeatures and resolveTap: `conv1` … `conv5`
 * for both architectures (for VGG each names the last conv of its stage). The layers linear probes read.
 */
export function convTaps(model: tf.LayersModel): string[] {
  const taps: string[] = [];
  for (const layer of leafLayers(model)) {
    const match = /^conv(\d+)(_\d+)?$/.exec(layer.name);
    if (match && layer.getClassName() === 'Conv2D' && !taps.includes(`conv${match[1]}`)) taps.push(`conv${match[1]}`);
  }
  return taps;
}
