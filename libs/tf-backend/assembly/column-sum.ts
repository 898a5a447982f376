// Column sums of a row-major float32 matrix in the tfjs wasm module's memory (imported, shared):
// out[c] = Σ_r x[r, c]. This is the bias gradient, a Sum over every axis but the channels of an NHWC
// tensor. Sixteen columns (one cache line per row) are summed at a time in float64 registers, so every
// element is read once and the sum of ~10⁵ rows keeps float32 accuracy (the cpu backend also sums in
// float64).
//
// No globals, no strings, no allocation: the module writes nothing outside the out it is given.

const FLOAT = 4;

function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

function storeDemoted(out: usize, a: v128, b: v128): void {
  v128.store(out, i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5));
}

export function columnSum(x: usize, out: usize, rows: i32, columns: i32): void {
  const rowBytes = <usize>columns * FLOAT;
  let c = 0;
  for (; c + 16 <= columns; c += 16) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let s4 = f64x2.splat(0), s5 = f64x2.splat(0), s6 = f64x2.splat(0), s7 = f64x2.splat(0);
    let pointer = x + <usize>c * FLOAT;
    for (let r = 0; r < rows; r++) {
      const a = v128.load(pointer);
      const b = v128.load(pointer, 16);
      const d = v128.load(pointer, 32);
      const e = v128.load(pointer, 48);
      s0 = f64x2.add(s0, low(a));
      s1 = f64x2.add(s1, high(a));
      s2 = f64x2.add(s2, low(b));
      s3 = f64x2.add(s3, high(b));
      s4 = f64x2.add(s4, low(d));
      s5 = f64x2.add(s5, high(d));
      s6 = f64x2.add(s6, low(e));
      s7 = f64x2.add(s7, high(e));
      pointer += rowBytes;
    }
    const target = out + <usize>c * FLOAT;
    storeDemoted(target, s0, s1);
    storeDemoted(target + 16, s2, s3);
    storeDemoted(target + 32, s4, s5);
    storeDemoted(target + 48, s6, s7);
  }
  for (; c + 4 <= columns; c += 4) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let pointer = x + <usize>c * FLOAT;
    for (let r = 0; r < rows; r++) {
      const a = v128.load(pointer);
      s0 = f64x2.add(s0, low(a));
      s1 = f64x2.add(s1, high(a));
      pointer += rowBytes;
    }
    storeDemoted(out + <usize>c * FLOAT, s0, s1);
  }
  for (; c < columns; c++) {
    let sum: f64 = 0;
    let pointer = x + <usize>c * FLOAT;
    for (let r = 0; r < rows; r++) {
      sum += <f64>load<f32>(pointer);
      pointer += rowBytes;
    }
    store<f32>(out + <usize>c * FLOAT, <f32>sum);
  }
}
