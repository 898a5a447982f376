// acc[i] += x[i] for float32 arrays in the tfjs wasm module's memory (imported, shared): sums the partial
// filter gradients of the chunked Conv2DBackpropFilter. No globals, no allocation.

const FLOAT = 4;

export function accumulate(acc: usize, x: usize, count: i32): void {
  const vectorBytes = <usize>(count & ~3) * FLOAT;
  let offset: usize = 0;
  for (; offset < vectorBytes; offset += 16) {
    v128.store(acc + offset, f32x4.add(v128.load(acc + offset), v128.load(x + offset)));
  }
  const bytes = <usize>count * FLOAT;
  for (; offset < bytes; offset += FLOAT) {
    store<f32>(acc + offset, load<f32>(acc + offset) + load<f32>(x + offset));
  }
}
