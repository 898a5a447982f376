import { describe, expect, it } from 'vitest';
import { runConfigInputSchema } from '@ktlab/config';
import { planStudy } from './plan';
import { portalMethod, studyTags } from './portal-runs';
import { SCALES } from './scales';

describe('portal launch', () => {
  const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10', seeds: 1 });

  it('creates runs the runs.create schema accepts, tagged with the study scale, the cell and its config', () => {
    for (const cell of plan.cells) {
      const input = { name: `study-quick-${cell.id}`, method: portalMethod(cell), tags: studyTags('quick', cell), config: cell.config };
      // runs.create's limits: a valid run config, method ≤ 100 chars, ≤ 20 tags of ≤ 64 chars.
      expect(runConfigInputSchema.safeParse(input.config).success).toBe(true);
      expect(input.method.length).toBeLessThanOrEqual(100);
      expect(input.tags.length).toBeLessThanOrEqual(20);
      for (const tag of input.tags) expect(tag.length).toBeLessThanOrEqual(64);
      expect(input.tags[0]).toBe('study:quick');
      expect(input.tags[1]).toBe(`cell:${cell.id}`);
    }
    const method = (id: string) => portalMethod(plan.cells.find((cell) => cell.id === id)!);
    expect(method('cc-jigsaw++-s0')).toBe('cc-jigsaw++');
    expect(method('k5-s0')).toBe('cc-jigsaw++ k=5');
    expect(method('domain-half-A-half-B-s0')).toBe('cc-jigsaw++ half-A→half-B');
  });
});
