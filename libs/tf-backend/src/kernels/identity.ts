/**
 * Identity without a copy: the output shares the input's heap data and takes a reference on it, as the
 * package's own Reshape (and the cpu backend's Identity) do. The package's Identity copies the whole tensor;
 * a training step runs it ~40 times (gradient bookkeeping, variable reads) on up-to-megabyte tensors.
 */
import { Identity, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { KernelRunner } from './kernel-runner.js';

export function identityConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const wasmBackend = backend as KernelBackend;
    if (x.dtype === 'string') {
      const runner = new KernelRunner(wasmBackend, backendName);
      return runner.keep(runner.runPackageKernel(Identity, inputs, attrs));
    }
    wasmBackend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: Identity, backendName, kernelFunc: kernelFunc as KernelFunc };
}
