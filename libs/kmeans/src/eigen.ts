/**
 * Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations: simple and accurate to machine
 * precision; O(d³) per sweep, so meant for feature dimensions up to ~1000.
 */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Row i is the unit eigenvector of values[i] (d×d, row-major). */
  vectors: Float64Array;
}

export function symmetricEigen(matrix: Float64Array, d: number, maxSweeps = 100): SymmetricEigen {
  if (matrix.length !== d * d) throw new RangeError(`matrix has ${matrix.length} entries, expected ${d}×${d}`);
  const a = Float64Array.from(matrix);
  // v's columns are the eigenvectors.
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale += a[i] * a[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) offDiagonal += a[p * d + q] * a[p * d + q];
    if (offDiagonal <= 1e-30 * scale || offDiagonal === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, v, d, p, q, c, s);
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((column, rank) => {
    values[rank] = a[column * d + column];
    for (let r = 0; r < d; r++) vectors[rank * d + r] = v[r * d + column];
  });
  return { values, vectors };
}

/** Applies the Jacobi rotation J(p, q, θ): a ← Jᵀ a J, v ← v J. */
function rotate(a: Float64Array, v: Float64Array, d: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < d; k++) {
    const akp = a[k * d + p];
    const akq = a[k * d + q];
    a[k * d + p] = c * akp - s * akq;
    a[k * d + q] = s * akp + c * akq;
  }
  for (let k = 0; k < d; k++) {
    const apk = a[p * d + k];
    const aqk = a[q * d + k];
    a[p * d + k] = c * apk - s * aqk;
    a[q * d + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < d; k++) {
    const vkp = v[k * d + p];
    const vkq = v[k * d + q];
    v[k * d + p] = c * vkp - s * vkq;
    v[k * d + q] = s * vkp + c * vkq;
  }
}

/** Above this size the full Jacobi decomposition is too slow; the top eigenpairs come from subspace iteration. */
export const JACOBI_MAX_DIMS = 384;

/** Multiplies row-major A (rows×d) by Bᵀ (B: n×d) into rows×n. */
export type MultiplyTransposed = (a: Float32Array, b: Float32Array, d: number) => Float32Array;

export interface TopEigenOptions {
  multiply: MultiplyTransposed;
  /** Use subspace iteration even for small matrices (tests). */
  forceSubspace?: boolean;
  iterations?: number;
  seed?: number;
}

/**
 * The `count` largest eigenpairs of a symmetric positive semi-definite matrix. Small matrices: Jacobi.
 * Large ones: block subspace iteration with `count`+oversampling vectors (each step one d×d·d×q product on the
 * SIMD kernel), then Rayleigh–Ritz with Jacobi on the small projected matrix.
 */
export function topSymmetricEigen(matrix: Float64Array, d: number, count: number, options: TopEigenOptions): SymmetricEigen {
  if (!options.forceSubspace && d <= JACOBI_MAX_DIMS) {
    const full = symmetricEigen(matrix, d);
    return { values: full.values.slice(0, count), vectors: full.vectors.slice(0, count * d) };
  }
  const q = Math.min(d, count + Math.max(10, Math.ceil(count / 10)));
  const c32 = Float32Array.from(matrix);
  let seed = (options.seed ?? 1) >>> 0;
  const nextUniform = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  let basis = new Float64Array(q * d).map(nextUniform);
  orthonormalizeRows(basis, q, d);
  for (let iteration = 0; iteration < (options.iterations ?? 30); iteration++) {
    // Rows of basis·C are (C·v)ᵀ since C is symmetric.
    basis = Float64Array.from(options.multiply(Float32Array.from(basis), c32, d));
    orthonormalizeRows(basis, q, d);
  }
  const basis32 = Float32Array.from(basis);
  const projectedRows = options.multiply(basis32, c32, d); // q×d: rows (C·v_i)ᵀ
  const small = Float64Array.from(options.multiply(projectedRows, basis32, d)); // q×q: v_iᵀ C v_j
  for (let i = 0; i < q; i++) for (let j = i + 1; j < q; j++) small[i * q + j] = small[j * q + i] = (small[i * q + j] + small[j * q + i]) / 2;
  const ritz = symmetricEigen(small, q);
  const values = ritz.values.slice(0, count);
  const vectors = new Float64Array(count * d);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < q; i++) {
      const weight = ritz.vectors[k * q + i];
      if (weight === 0) continue;
      for (let p = 0; p < d; p++) vectors[k * d + p] += weight * basis[i * d + p];
    }
  }
  return { values, vectors };
}

/** Modified Gram–Schmidt on the rows (done twice for numerical orthogonality). */
function orthonormalizeRows(rows: Float64Array, count: number, d: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < count; i++) {
      const row = rows.subarray(i * d, (i + 1) * d);
      for (let j = 0; j < i; j++) {
        const previous = rows.subarray(j * d, (j + 1) * d);
        let dot = 0;
        for (let p = 0; p < d; p++) dot += row[p] * previous[p];
        for (let p = 0; p < d; p++) row[p] -= dot * previous[p];
      }
      let norm = 0;
      for (let p = 0; p < d; p++) norm += row[p] * row[p];
      norm = Math.sqrt(norm);
      if (norm < 1e-300) {
        row.fill(0);
        row[i % d] = 1; // degenerate direction: restart from a unit vector (re-orthogonalised next pass)
        continue;
      }
      for (let p = 0; p < d; p++) row[p] /= norm;
    }
  }
}
