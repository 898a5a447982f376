import { describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration } from './eta';

describe('eta', () => {
  it('uses the mean measured cell time once there is one, the estimate before', () => {
    expect(etaSeconds([], 10, 30)).toBe(300);
    expect(etaSeconds([60, 120], 10, 30)).toBe(900);
    expect(etaSeconds([60], 0, 30)).toBe(0);
    // A scale with no estimate yet: unknown until a cell finishes, printed as '?'.
    expect(formatDuration(etaSeconds([], 10, Number.NaN))).toBe('?');
  });

  it('formats seconds, minutes and hours', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3 h 07 min');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
