/** Summary statistics over seeds and Welch's t-test, the report's significance rule. */

export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  n: number;
  values: number[];
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0, values: [] };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n, values: [...values] };
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9); accurate to ~15 digits for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function twoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface WelchResult {
  t: number;
  df: number;
  /** Two-sided. NaN when the test is undefined (fewer than 2 values on a side). */
  p: number;
}

/** Welch's unequal-variance t-test of mean(a) − mean(b). */
export function welchTest(a: Summary, b: Summary): WelchResult {
  if (a.n < 2 || b.n < 2) return { t: Number.NaN, df: Number.NaN, p: Number.NaN };
  const va = (a.std * a.std) / a.n;
  const vb = (b.std * b.std) / b.n;
  const diff = a.mean - b.mean;
  if (va + vb === 0) return diff === 0 ? { t: 0, df: a.n + b.n - 2, p: 1 } : { t: Math.sign(diff) * Infinity, df: a.n + b.n - 2, p: 0 };
  const t = diff / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { t, df, p: twoSidedP(t, df) };
}
