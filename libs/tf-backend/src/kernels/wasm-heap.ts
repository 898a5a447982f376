/**
 * Direct access to tensors in the wasm backend's heap, for kernels that compute in place with ktlab's
 * AssemblyScript modules.
 */
import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { assemblyKernelsFor, type AssemblyKernels } from '../wasm/assembly-kernels.js';

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
interface HeapBackend {
  wasm: { wasmMemory?: WebAssembly.Memory };
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
}

export class WasmHeap {
  readonly kernels: AssemblyKernels;
  private readonly backend: HeapBackend;

  constructor(backend: KernelBackend) {
    this.backend = backend as unknown as HeapBackend;
    const memory = this.backend.wasm?.wasmMemory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new Error('the wasm backend exposes no wasmMemory; ktlab kernels need the threaded-SIMD module loaded by ktlab-wasm');
    }
    this.kernels = assemblyKernelsFor(memory);
  }

  /** Byte offset of `tensor`'s data in the module's memory. */
  offsetOf(tensor: TensorInfo): number {
    return this.backend.getMemoryOffset(tensor.dataId);
  }

  /** A new tensor allocated on the heap (contents undefined until a kernel writes them). */
  allocate(shape: number[], dtype: DataType): TensorInfo {
    return this.backend.makeOutput(shape, dtype);
  }
}
