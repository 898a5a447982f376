import { describe, expect, it } from 'vitest';
import { DARK_CHART_THEME, LIGHT_CHART_THEME, themedAxis } from './chart-theme';

describe('chart theme', () => {
  it('gives axes the theme colours, with or without a grid', () => {
    expect(themedAxis(DARK_CHART_THEME, { size: 60 })).toMatchObject({ stroke: DARK_CHART_THEME.axis, grid: { stroke: DARK_CHART_THEME.grid }, size: 60 });
    expect(themedAxis(LIGHT_CHART_THEME, {}, false).grid).toEqual({ show: false });
  });

  it('keeps the dark grid faint and the dark series light (legible on a dark card)', () => {
    expect(DARK_CHART_THEME.grid).not.toBe(LIGHT_CHART_THEME.grid);
    expect(DARK_CHART_THEME.grid).toMatch(/^rgba\(.*,0\.\d+\)$/);
    const lightness = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      return (Math.max(r, g, b) + Math.min(r, g, b)) / 2 / 255;
    };
    expect(lightness(DARK_CHART_THEME.primary)).toBeGreaterThan(lightness(LIGHT_CHART_THEME.primary));
    expect(lightness(DARK_CHART_THEME.axis)).toBeGreaterThan(lightness(LIGHT_CHART_THEME.axis));
  });
});
