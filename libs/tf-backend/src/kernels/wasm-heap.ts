/**
 * Direct access to tensors in the wasm backend's heap, for kernels that compute in place with ktlab's
 * AssemblyScript modules.
 */
import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { assemblyKernelsFor, type AssemblyKernels } from '../wasm/assembly-kernels.js';
import { convTeamFor } from '../wasm/conv-team.js';
import type { KernelTeam } from '../wasm/kernel-team.js';

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
interface HeapBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; tfjs?: { getThreadsCount(): number } };
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object): boolean;
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

  /** A view of a float32 or int32 tensor's elements on the heap (valid until the heap next grows). */
  elements(tensor: TensorInfo): Float32Array | Int32Array {
    const size = tensor.shape.reduce((product, dim) => product * dim, 1);
    const buffer = (this.backend.wasm.wasmMemory as WebAssembly.Memory).buffer;
    if (tensor.dtype === 'float32') return new Float32Array(buffer, this.offsetOf(tensor), size);
    if (tensor.dtype === 'int32') return new Int32Array(buffer, this.offsetOf(tensor), size);
    throw new Error(`WasmHeap.elements: ${tensor.dtype} tensors have no float32/int32 view`);
  }

  /** A float32 view of `length` elements at byte `offset` of the heap (valid until the heap next grows). */
  floats(offset: number, length: number): Float32Array {
    return new Float32Array((this.backend.wasm.wasmMemory as WebAssembly.Memory).buffer, offset, length);
  }

  /** Frees a tensor made by `allocate` (or any other tensor this kernel owns). */
  free(tensor: TensorInfo): void {
    this.backend.disposeData(tensor.dataId);
  }

  /**
   * The thread team for ktlab's convolution kernels on this memory, as many threads as XNNPACK's pool
   * (created on first use).
   */
  convTeam(): KernelTeam {
    const threads = this.backend.wasm.tfjs?.getThreadsCount() ?? 1;
    return convTeamFor(this.backend.wasm.wasmMemory as WebAssembly.Memory, Math.max(1, threads));
  }

  /** A new tensor allocated on the heap (contents undefined until a kernel writes them). */
  allocate(shape: number[], dtype: DataType): TensorInfo {
    return this.backend.makeOutput(shape, dtype);
  }
}
