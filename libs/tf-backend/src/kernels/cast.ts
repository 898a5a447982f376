/**
 * Cast to the dtype a tensor already has, without a copy: the output shares the input's heap data (as
 * ./identity.ts does), which the package's Cast copies. tfjs's ReLU gradient is dy · cast(step(x), 'float32'),
 * a float32 → float32 cast of every ReLU's activation in each training step. Other casts run the package's kernel.
 */
import { Cast, type CastAttrs, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { KernelRunner } from './kernel-runner.js';

export function castConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const { dtype } = attrs as unknown as CastAttrs;
    const wasmBackend = backend as KernelBackend;
    if (dtype !== x.dtype || x.dtype === 'string' || x.dtype === 'complex64') {
      const runner = new KernelRunner(wasmBackend, backendName);
      return runner.keep(runner.runPackageKernel(Cast, inputs, attrs));
    }
    wasmBackend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: Cast, backendName, kernelFunc: kernelFunc as KernelFunc };
}
