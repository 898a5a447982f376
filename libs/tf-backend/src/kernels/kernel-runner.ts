/**
 * Runs other kernels of the same backend from inside a kernel, and frees their intermediates.
 *
 * Kernels composed from the backend's own (XNNPACK-backed) kernels call them directly rather than through
 * tf ops, so the composition records no tape entries and allocates no engine-tracked tensors.
 */
import { getKernel, type KernelBackend, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';

/** The backend name tfjs-backend-wasm registers its kernels under. */
export const PACKAGE_BACKEND = 'wasm';

export class KernelRunner {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs `kernelName` and remembers its output as an intermediate to free in `dispose()`. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    return this.runFrom(this.backendName, kernelName, inputs, attrs);
  }

  /**
   * Runs tfjs-backend-wasm's own implementation of `kernelName` (as registered for 'wasm') on this backend:
   * the fallback of a ktlab kernel that replaces it only for some shapes.
   */
  runPackageKernel(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    return this.runFrom(PACKAGE_BACKEND, kernelName, inputs, attrs);
  }

  private runFrom(registry: string, kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
    const kernel = getKernel(kernelName, registry);
    if (kernel === undefined) throw new Error(`kernel ${kernelName} is not registered for backend '${registry}'`);
    const output = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(output)) throw new Error(`kernel ${kernelName} returned several outputs; expected one`);
    this.intermediates.push(output);
    return output;
  }

  /** Hands `result` to the caller: it is no longer freed by `dispose()`. */
  keep(result: TensorInfo): TensorInfo {
    const index = this.intermediates.indexOf(result);
    if (index >= 0) this.intermediates.splice(index, 1);
    return result;
  }

  dispose(): void {
    for (const tensor of this.intermediates) this.backend.disposeData(tensor.dataId);
    this.intermediates.length = 0;
  }
}
