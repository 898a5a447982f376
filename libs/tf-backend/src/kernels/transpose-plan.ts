/**
 * Reduces a transpose to one of the two forms ktlab's transpose kernel runs (assembly/transpose.ts).
 *
 * Size-1 axes are dropped and input axes that stay next to each other in the output are merged, so e.g.
 * [n, h, w, c] → [h, w, n, c] becomes [n, hw, c] → [hw, n, c] and [n, h, w, c] → [c, h, w, n] becomes
 * [n, hw, c] → [c, hw, n]. Then either the innermost axis stays innermost (copy contiguous runs, up to three
 * outer axes) or the input's and the output's contiguous axes differ (2-D transposes, up to two batch axes).
 * Anything of higher merged rank is left to the package kernel.
 */

export type TransposePlan =
  | {
      kind: 'copy';
      /** Output sizes of the (up to three) outer axes, outermost first, padded with 1. */
      sizes: [number, number, number];
      /** Input stride (elements) of each of those output axes. */
      strides: [number, number, number];
      /** Contiguous elements per run. */
      run: number;
    }
  | {
      kind: 'tiles';
      /** Sizes of the (up to two) batch axes, padded with 1. */
      outer: [number, number];
      inStrides: [number, number];
      outStrides: [number, number];
      /** Size of the input's contiguous axis (output stride outStrideQ). */
      rows: number;
      /** Size of the output's contiguous axis (input stride inStrideJ). */
      columns: number;
      inStrideJ: number;
      outStrideQ: number;
    };

function rowMajorStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** Drops size-1 axes and merges input axes that stay adjacent; returns the merged input shape and perm. */
export function collapseTranspose(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  if (perm.length !== shape.length || [...perm].sort((a, b) => a - b).some((axis, i) => axis !== i)) {
    throw new Error(`transpose: perm [${perm.join(', ')}] is not a permutation of the ${shape.length} axes of [${shape.join(', ')}]`);
  }
  const kept = perm.filter((axis) => shape[axis] !== 1);
  // Groups of consecutive input axes, in output order.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups.at(-1);
    if (last && last[last.length - 1] + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  const byInput = [...groups].sort((a, b) => a[0] - b[0]);
  return {
    shape: byInput.map((group) => group.reduce((size, axis) => size * shape[axis], 1)),
    perm: groups.map((group) => byInput.indexOf(group)),
  };
}

export function planTranspose(shape: number[], perm: number[]): TransposePlan | undefined {
  const merged = collapseTranspose(shape, perm);
  const rank = merged.shape.length;
  if (rank <= 1) {
    return { kind: 'copy', sizes: [1, 1, 1], strides: [0, 0, 0], run: merged.shape[0] ?? 1 };
  }
  const inStrides = rowMajorStrides(merged.shape);
  const outShape = merged.perm.map((axis) => merged.shape[axis]);
  const outStrides = rowMajorStrides(outShape);
  const last = rank - 1;
  if (merged.perm[last] === last) {
    if (rank > 4) return undefined;
    const pad = 4 - rank;
    const sizes = [...Array<number>(pad).fill(1), ...outShape.slice(0, last)];
    const strides = [...Array<number>(pad).fill(0), ...merged.perm.slice(0, last).map((axis) => inStrides[axis])];
    return { kind: 'copy', sizes: sizes as [number, number, number], strides: strides as [number, number, number], run: outShape[last] };
  }
  if (rank > 4) return undefined;
  const q = merged.perm.indexOf(last);
  const batch = [...Array(last).keys()].filter((k) => k !== q);
  const pad = 2 - batch.length;
  return {
    kind: 'tiles',
    outer: [...Array<number>(pad).fill(1), ...batch.map((k) => outShape[k])] as [number, number],
    inStrides: [...Array<number>(pad).fill(0), ...batch.map((k) => inStrides[merged.perm[k]])] as [number, number],
    outStrides: [...Array<number>(pad).fill(0), ...batch.map((k) => outStrides[k])] as [number, number],
    rows: outShape[q],
    columns: outShape[last],
    inStrideJ: inStrides[merged.perm[last]],
    outStrideQ: outStrides[q],
  };
}
