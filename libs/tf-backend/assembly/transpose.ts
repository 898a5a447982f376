// Transpose of 4-byte elements (float32, int32) in the tfjs wasm module's memory (imported, shared), in two
// forms that together cover every permutation of up to four axes once the caller has merged axes that stay
// adjacent (src/kernels/transpose-plan.ts):
//
// - copyRuns: the innermost axis stays innermost, so the output is a sequence of contiguous runs of the
//   input, each copied whole (memory.copy).
// - transposeTiles: the input's contiguous axis (q) and the output's contiguous axis (j) differ; up to two
//   further axes (a, b) are batch dimensions. Each (a, b) slice is a 2-D transpose, done in 32×32 tiles that
//   stay in L1, each of them in 4×4 register blocks transposed with shuffles.
//
// Strides and sizes are in elements. No globals, no strings, no allocation: the module writes nothing
// outside the out it is given.

const ELEMENT = 4;
const TILE = 32;

export function copyRuns(x: usize, out: usize, d0: i32, d1: i32, d2: i32, run: i32, s0: i32, s1: i32, s2: i32): void {
  const runBytes = <usize>run * ELEMENT;
  let target = out;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      let source = x + (<usize>i0 * <usize>s0 + <usize>i1 * <usize>s1) * ELEMENT;
      const step = <usize>s2 * ELEMENT;
      for (let i2 = 0; i2 < d2; i2++) {
        memory.copy(target, source, runBytes);
        target += runBytes;
        source += step;
      }
    }
  }
}

// out[a, b][q·outStrideQ + j] = x[a, b][q + j·inStrideJ] for q < rows, j < columns; the (a, b) slice starts
// at a·inStrideA + b·inStrideB in x and a·outStrideA + b·outStrideB in out.
export function transposeTiles(
  x: usize,
  out: usize,
  outerA: i32,
  outerB: i32,
  rows: i32,
  columns: i32,
  inStrideA: i32,
  inStrideB: i32,
  outStrideA: i32,
  outStrideB: i32,
  inStrideJ: i32,
  outStrideQ: i32,
): void {
  for (let a = 0; a < outerA; a++) {
    for (let b = 0; b < outerB; b++) {
      const source = x + (<usize>a * <usize>inStrideA + <usize>b * <usize>inStrideB) * ELEMENT;
      const target = out + (<usize>a * <usize>outStrideA + <usize>b * <usize>outStrideB) * ELEMENT;
      transposeSlice(source, target, rows, columns, inStrideJ, outStrideQ);
    }
  }
}

function transposeSlice(x: usize, out: usize, rows: i32, columns: i32, inStrideJ: i32, outStrideQ: i32): void {
  const inRow = <usize>inStrideJ * ELEMENT;
  const outRow = <usize>outStrideQ * ELEMENT;
  const rows4 = rows & ~3;
  const columns4 = columns & ~3;
  for (let q0 = 0; q0 < rows4; q0 += TILE) {
    const qEnd = min(q0 + TILE, rows4);
    for (let j0 = 0; j0 < columns4; j0 += TILE) {
      const jEnd = min(j0 + TILE, columns4);
      for (let j = j0; j < jEnd; j += 4) {
        let source = x + <usize>j * inRow + <usize>q0 * ELEMENT;
        let target = out + <usize>q0 * outRow + <usize>j * ELEMENT;
        for (let q = q0; q < qEnd; q += 4) {
          const v0 = v128.load(source);
          const v1 = v128.load(source + inRow);
          const v2 = v128.load(source + 2 * inRow);
          const v3 = v128.load(source + 3 * inRow);
          const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
          const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
          v128.store(target, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
          v128.store(target + outRow, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
          v128.store(target + 2 * outRow, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
          v128.store(target + 3 * outRow, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
          source += 4 * ELEMENT;
          target += 4 * outRow;
        }
      }
    }
  }
  // The ragged edges: columns beyond the last multiple of 4 (all rows), then rows beyond it (other columns).
  for (let q = 0; q < rows; q++) {
    for (let j = columns4; j < columns; j++) {
      store<u32>(out + <usize>q * outRow + <usize>j * ELEMENT, load<u32>(x + <usize>j * inRow + <usize>q * ELEMENT));
    }
  }
  for (let q = rows4; q < rows; q++) {
    for (let j = 0; j < columns4; j++) {
      store<u32>(out + <usize>q * outRow + <usize>j * ELEMENT, load<u32>(x + <usize>j * inRow + <usize>q * ELEMENT));
    }
  }
}
