/** A learning rate as a function of progress (an epoch or step index, starting at 0). */
export type LrSchedule = (progress: number) => number;

/**
 * Linear warm-up from 0 over `warmup` steps, then half a cosine from `base` down to `min` at `total`;
 * `min` after that.
 */
export function cosineLr(options: { base: number; total: number; warmup?: number; min?: number }): LrSchedule {
  const { base, total, warmup = 0, min = 0 } = options;
  assertPositive('cosineLr', 'base', base);
  assertPositive('cosineLr', 'total', total);
  if (warmup < 0 || warmup >= total) throw new Error(`cosineLr: warmup must be in [0, total), got ${warmup} with total ${total}`);
  const span = total - warmup;
  return (progress) => {
    if (progress < warmup) return (base * (progress + 1)) / (warmup + 1);
    return min + 0.5 * (base - min) * (1 + Math.cos((Math.PI * Math.min(progress - warmup, span)) / span));
  };
}

function assertPositive(fn: string, name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${fn}: ${name} must be a positive number, got ${value}`);
}
