/**
 * Per-image colour handling, each a 3x3 matrix applied to every RGB pixel (row c gives output channel c):
 *  - colour: unchanged;
 *  - gray: BT.601 luma copied to all 3 channels, so the net's input shape never changes;
 *  - projection: I − vvᵀ/6 with v = (1, −2, 1), the paper code's removal of the green-vs-magenta axis along
 *    which chromatic aberration lets a net locate a tile in the lens field (|v|² = 6, so this is the
 *    orthogonal projection onto the plane perpendicular to v).
 */
export const ColourMode = { colour: 0, gray: 1, projection: 2 } as const;
export type ColourMode = (typeof ColourMode)[keyof typeof ColourMode];

export const CHROMATIC_AXIS = [1, -2, 1] as const;

const LUMA = [0.299, 0.587, 0.114] as const;

function projectionMatrix(): number[] {
  const v = CHROMATIC_AXIS;
  const squaredNorm = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  const matrix: number[] = [];
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) matrix.push((row === col ? 1 : 0) - (v[row]! * v[col]!) / squaredNorm);
  }
  return matrix;
}

const MATRICES: Record<ColourMode, Float64Array> = {
  [ColourMode.colour]: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]),
  [ColourMode.gray]: Float64Array.from([...LUMA, ...LUMA, ...LUMA]),
  [ColourMode.projection]: Float64Array.from(projectionMatrix()),
};

/** Row-major 3x3 matrix of a colour mode. */
export function colourMatrix(mode: ColourMode): Float64Array {
  return MATRICES[mode];
}

/** Applies a colour mode to one RGB pixel (for tests and tools; the sampler inlines the matrix). */
export function applyColourMode(mode: ColourMode, rgb: readonly [number, number, number]): [number, number, number] {
  const m = MATRICES[mode];
  const [r, g, b] = rgb;
  return [m[0]! * r + m[1]! * g + m[2]! * b, m[3]! * r + m[4]! * g + m[5]! * b, m[6]! * r + m[7]! * g + m[8]! * b];
}

/**
 * Draws an image's colour mode from one uniform number: gray with probability pGray, projection with
 * pProjection, unchanged otherwise. Paper code defaults: 0.5 / 0.25.
 */
export function colourModeFor(uniform: number, grayProbability: number, projectionProbability: number): ColourMode {
  if (uniform < grayProbability) return ColourMode.gray;
  if (uniform < grayProbability + projectionProbability) return ColourMode.projection;
  return ColourMode.colour;
}
