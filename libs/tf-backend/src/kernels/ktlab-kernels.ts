/** Every kernel ktlab adds to (or replaces in) the wasm backend's set. */
import type { KernelConfig } from '@tensorflow/tfjs';
import { batchMatMulConfig, fusedMatMulConfig } from './batch-mat-mul.js';
import { castConfig } from './cast.js';
import { fusedBatchNormConfig, reluConfig, squareConfig } from './batch-norm-and-elementwise.js';
import { channelOpConfigs } from './channel-broadcast.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { conv2DConfig, fusedConv2DConfig } from './conv2d.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { batchNormTrainingConfig, batchNormTrainingGradConfigFor } from './onednn-batch-norm.js';
import { meanConfig, sumConfig } from './sum.js';
import { tileConfig } from './tile.js';
import { transposeConfig } from './transpose.js';

export function ktlabKernelConfigs(backendName: string): KernelConfig[] {
  return [
    conv2DConfig(backendName),
    fusedConv2DConfig(backendName),
    conv2DBackpropFilterConfig(backendName),
    conv2DBackpropInputConfig(backendName),
    batchMatMulConfig(backendName),
    fusedMatMulConfig(backendName),
    maxPoolGradConfig(backendName),
    sumConfig(backendName),
    meanConfig(backendName),
    identityConfig(backendName),
    castConfig(backendName),
    transposeConfig(backendName),
    tileConfig(backendName),
    ...channelOpConfigs(backendName),
    fusedBatchNormConfig(backendName),
    reluConfig(backendName),
    squareConfig(backendName),
    batchNormTrainingConfig(backendName),
    batchNormTrainingGradConfigFor(backendName),
  ];
}
