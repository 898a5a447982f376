/**
 * MaxPoolGrad on ktlab's AssemblyScript SIMD kernel, in place on the wasm heap: the package's kernel is a
 * scalar C++ loop (~290 ms of a 2.9 s AlexNet-style step). Any window, stride and padding; float32 NHWC. The
 * images are split across the kernel team.
 */
import { backend_util, MaxPoolGrad, type KernelBackend, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { convRunOptions } from '../wasm/conv-team.js';
import { KernelRunner } from './kernel-runner.js';
import { WasmHeap } from './wasm-heap.js';

export function maxPoolGradConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(MaxPoolGrad, inputs, attrs));
    }
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const heap = new WasmHeap(backend as KernelBackend);
    const dx = heap.allocate([...input.shape], 'float32');
    if (info.batchSize * info.inHeight * info.inWidth * info.inChannels === 0) return dx;
    // Images on the kernel team: each is computed alone, so the split changes no bit.
    heap
      .convTeam()
      .run(
        'maxPoolGradImages',
        info.batchSize,
        [
          heap.offsetOf(input),
          heap.offsetOf(dy),
          heap.offsetOf(dx),
          info.inHeight,
          info.inWidth,
          info.inChannels,
          info.outHeight,
          info.outWidth,
          info.strideHeight,
          info.strideWidth,
          info.effectiveFilterHeight,
          info.effectiveFilterWidth,
          info.padInfo.top,
          info.padInfo.left,
        ],
        convRunOptions(),
      );
    return dx;
  };
  return { kernelName: MaxPoolGrad, backendName, kernelFunc: kernelFunc as KernelFunc };
}
