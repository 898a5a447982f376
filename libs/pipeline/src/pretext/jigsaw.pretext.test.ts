import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '@ktlab/config';
import { generateMaximinPermutations, maximinOrder, maximinSubset } from '@ktlab/jigsaw';
import type { PipelineContext } from '../context';
import { asImages } from '../datasets';
import { faintStripes } from '../testing/faint-stripes';
import { jigsaw } from './jigsaw.pretext';

const runDir = mkdtempSync(join(tmpdir(), 'ktlab-jigsaw-pretext-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

function contextFor(pretext: object, log: string[] = []): PipelineContext {
  const config = pipelineConfigSchema.parse({ kind: 'pipeline', seed: 3, data: { path: '/unused' }, pretext: { task: 'jigsaw', ...pretext } });
  return { config, runDir, signal: new AbortController().signal, metric: () => undefined, stage: () => undefined, log: (line) => log.push(line) };
}

const images = faintStripes(16, 1);
const indices = Int32Array.from({ length: 16 }, (_, i) => i);
const labelsOf = (prepared: Awaited<ReturnType<typeof jigsaw.prepare>>, steps: number[], purpose: 'train' | 'held-out') =>
  new Set(steps.flatMap((step) => Array.from(prepared.sample(indices, 3, step, purpose).labels)));

describe('the Jigsaw pretext with a permutation curriculum', () => {
  it('trains its first ⌈puzzles / batch⌉ steps on a well-separated subset, then on the whole set; held-out puzzles always come from the whole set', async () => {
    const prepared = await jigsaw.prepare(contextFor({ permutations: 40, batchSize: 16, permutationCurriculum: { permutations: 4, puzzles: 40 } }), async () => asImages(images));
    const subset = Array.from(maximinSubset(generateMaximinPermutations({ count: 40, seed: 3 }), 4));
    expect(prepared.classes).toBe(40);
    expect(prepared.description).toContain('40 permutations');
    expect(prepared.description).toContain('the first 48 puzzles from 4 of them');
    // Steps 0..2 (48 puzzles ≥ 40) draw from the subset: 48 labels over 4 members show every one of them.
    expect([...labelsOf(prepared, [0, 1, 2], 'train')].sort((a, b) => a - b)).toEqual(subset);
    const later = labelsOf(prepared, [3, 4, 5, 6], 'train');
    expect([...later].some((label) => !subset.includes(label))).toBe(true);
    expect(later.size).toBeGreaterThan(20);
    const heldOut = labelsOf(prepared, [0], 'held-out');
    expect([...heldOut].some((label) => !subset.includes(label))).toBe(true);
  });

  it('then grows the pool evenly along the greedy order to the whole set over ⌈rampPuzzles / batch⌉ steps', async () => {
    const prepared = await jigsaw.prepare(
      contextFor({ permutations: 40, batchSize: 16, permutationCurriculum: { permutations: 4, puzzles: 32, rampPuzzles: 48 } }),
      async () => asImages(images),
    );
    expect(prepared.description).toContain('the first 32 puzzles from 4 of them');
    expect(prepared.description).toContain('the next 48 from a pool growing evenly to all 40');
    const order = Array.from(maximinOrder(generateMaximinPermutations({ count: 40, seed: 3 })));
    // Steps 0-1 hold 4; the 3 ramp steps draw from the first 4 + 36·j/4 members (13, 22, 31); step 5 on, all 40.
    const within = (steps: number[], size: number) => [...labelsOf(prepared, steps, 'train')].every((label) => order.slice(0, size).includes(label));
    expect(within([0, 1], 4)).toBe(true);
    expect(within([2], 13)).toBe(true);
    expect(within([2], 4)).toBe(false);
    expect(within([3], 22)).toBe(true);
    expect(within([4], 31)).toBe(true);
    expect(within([5, 6, 7, 8], 31)).toBe(false);
  });

  it('without a curriculum draws every step from the whole set', async () => {
    const prepared = await jigsaw.prepare(contextFor({ permutations: 40, batchSize: 16 }), async () => asImages(images));
    expect(prepared.description).not.toContain('the first');
    expect(labelsOf(prepared, [0, 1, 2], 'train').size).toBeGreaterThan(20);
  });

  it('refuses, before decoding any image, a stored config whose subset is not smaller than the set', async () => {
    let opened = false;
    const context = contextFor({ permutations: 40, permutationCurriculum: { permutations: 40, puzzles: 10 } });
    await expect(
      jigsaw.prepare(context, async () => {
        opened = true;
        return asImages(images);
      }),
    ).rejects.toThrow('pretext.permutationCurriculum.permutations (40) must be smaller than the permutation set (40)');
    expect(opened).toBe(false);
  });
});
