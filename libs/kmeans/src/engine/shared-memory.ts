/** A growable shared WebAssembly memory with a bump layout of 64-byte-aligned regions. */
const PAGE_BYTES = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit, and the maximum the kernel module declares
/** Bytes below this offset are left to the module's own data and per-thread scratch space. */
export const FIRST_REGION_OFFSET = PAGE_BYTES;

export function createSharedMemory(initialBytes = PAGE_BYTES * 2): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE_BYTES), maximum: MAX_PAGES, shared: true });
}

/** Grows `memory` so that it holds at least `bytes`. */
export function ensureMemoryBytes(memory: WebAssembly.Memory, bytes: number): void {
  const needed = Math.ceil(bytes / PAGE_BYTES);
  if (needed > MAX_PAGES) {
    throw new RangeError(`k-means working set needs ${(bytes / 2 ** 30).toFixed(2)} GiB, over the 4 GiB wasm32 limit; use smaller blocks or fewer centroids`);
  }
  const current = memory.buffer.byteLength / PAGE_BYTES;
  if (needed > current) memory.grow(needed - current);
}

/** Assigns consecutive aligned byte offsets to named regions. */
export function planRegions<N extends string>(sizes: Record<N, number>, start = FIRST_REGION_OFFSET): { offsets: Record<N, number>; end: number } {
  const offsets = {} as Record<N, number>;
  let at = start;
  for (const name of Object.keys(sizes) as N[]) {
    offsets[name] = at;
    at += Math.ceil(sizes[name] / 64) * 64;
  }
  return { offsets, end: at };
}
