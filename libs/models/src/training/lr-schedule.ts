/** A learning rate as a function of progress (an epoch or step index, starting at 0). */
export type LrSchedule = (progress: number) => number;

/** base·gamma^(number of milestones ≤ progress): the paper's "divide by 10 every N epochs". */
export function stepLr(options: { base: number; milestones: readonly number[]; gamma?: number }): LrSchedule {
  const { base, milestones, gamma = 0.1 } = options;
  assertPositive('stepLr', 'base', base);
  if (!(gamma > 0)) throw new Error(`stepLr: gamma must be > 0, got ${gamma}`);
  const sorted = [...milestones].sort((a, b) => a - b);
  return (progress) => base * gamma ** sorted.filter((m) => m <= progress).length;
}

/**
 * Linear warm-up from 0 over `warmup` steps, then half a cosine from `base` down to `min` at `total`;
 * `min` after that.
 */
export function cosineLr(options: { base: number; total: number; warmup?: number; min?: number }): LrSchedule {
  const { base, total, warmup = 0, min = 0 } = options;
  assertPositive('cosineLr', 'base', base);
  assertPositive('cosineLr', 'total', total);
  if (warmup < 0 || warmup >= total) throw new Error(`cosineLr: warmup must be in [0, total), got ${warmup} with total ${total}`);
  return (progress) => {
    if (progress < warmup) return (base * (progress + 1)) / (warmup + 1);
    const t = Math.min(1, (progress - warmup) / (total - warmup));
    return min + ((base - min) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

function assertPositive(fn: string, name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${fn}: ${name} must be a positive number, got ${value}`);
}
