/**
 * Row-major float32 matrices that may be split over several blocks, because a feature matrix (1.3M × 4096)
 * can be larger than one typed-array allocation.
 */
export interface RowBlocks {
  /** Row-major blocks; each holds a whole number of rows. */
  readonly blocks: readonly Float32Array[];
  readonly rows: number;
  readonly dims: number;
}

/** Accepts one matrix or a list of row blocks with `dims` columns and checks that they tile into rows. */
export function toRowBlocks(data: Float32Array | readonly Float32Array[], dims: number): RowBlocks {
  if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`);
  const blocks = data instanceof Float32Array ? [data] : data;
  let rows = 0;
  blocks.forEach((block, index) => {
    if (!(block instanceof Float32Array)) throw new TypeError(`row block ${index} is not a Float32Array`);
    if (block.length % dims !== 0) {
      throw new RangeError(`row block ${index} has ${block.length} values, not a multiple of dims=${dims}`);
    }
    rows += block.length / dims;
  });
  return { blocks, rows, dims };
}

/** Calls `visit` with each block and the global index of its first row. */
export function forEachBlock(matrix: RowBlocks, visit: (block: Float32Array, firstRow: number) => void): void {
  let firstRow = 0;
  for (const block of matrix.blocks) {
    visit(block, firstRow);
    firstRow += block.length / matrix.dims;
  }
}

/** Copies the given rows (global indices) into one new contiguous matrix, in the given order. */
export function gatherRows(matrix: RowBlocks, rowIndices: ArrayLike<number>): Float32Array {
  const { dims } = matrix;
  const starts: number[] = [];
  let first = 0;
  for (const block of matrix.blocks) {
    starts.push(first);
    first += block.length / dims;
  }
  const out = new Float32Array(rowIndices.length * dims);
  for (let i = 0; i < rowIndices.length; i++) {
    const row = rowIndices[i];
    if (row < 0 || row >= matrix.rows) throw new RangeError(`row ${row} out of range [0, ${matrix.rows})`);
    const blockIndex = upperBound(starts, row) - 1;
    const local = row - starts[blockIndex];
    out.set(matrix.blocks[blockIndex].subarray(local * dims, (local + 1) * dims), i * dims);
  }
  return out;
}

function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
