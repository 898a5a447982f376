/**
 * A finished probe cell as committed under docs/results/probe/cells/<id>.json: its grid point, the held-out
 * learning curve, the linear probe per conv layer, and how and where it ran. The report is built from these
 * files only, so cells finished in different sittings (or on different machines) make one report.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '@ktlab/data';

export const curvePointSchema = z.object({ step: z.number().int(), puzzles: z.number().int(), top1: z.number().min(0).max(1) });
export type CurvePoint = z.infer<typeof curvePointSchema>;

export const probeResultSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  task: z.enum(['jigsaw', 'jigsaw++']),
  permutations: z.number().int(),
  imageSize: z.number().int(),
  widthMultiplier: z.number(),
  /** Files written before the grid had a learning-rate axis ran at the presets' 0.01. */
  learningRate: z.number().positive().default(0.01),
  /** Files written before the grid had an epochs axis ran 5 epochs. */
  epochs: z.number().int().positive().default(5),
  /** `pretext.permutationCurriculum` of the cell; absent: every puzzle from the whole set. */
  curriculum: z.object({ permutations: z.number().int(), puzzles: z.number().int(), rampPuzzles: z.number().int().default(0) }).optional(),
  configHash: z.string(),
  trainImages: z.number().int(),
  heldOutImages: z.number().int(),
  /** Top-1 on the held-out puzzles against puzzles trained on. */
  curve: z.array(curvePointSchema),
  /** Mean training loss per epoch (chance: ln permutations). */
  epochLoss: z.array(z.number()),
  /** Linear-probe top-1 on the test images per conv layer. */
  linear: z.record(z.string(), z.number()),
  wallSeconds: z.number(),
  cpuSeconds: z.number(),
  stageSeconds: z.record(z.string(), z.number()),
  machine: z.object({ cpu: z.string(), backend: z.string(), threads: z.number().int(), loadAtStart: z.number() }),
  finishedAt: z.string(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;
export type ProbeResultInput = z.input<typeof probeResultSchema>;

export function probeResultPath(cellsDir: string, id: string): string {
  return join(cellsDir, `${id}.json`);
}

export function readProbeResult(cellsDir: string, id: string): ProbeResult | undefined {
  const file = probeResultPath(cellsDir, id);
  if (!existsSync(file)) return undefined;
  return probeResultSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function writeProbeResult(cellsDir: string, result: ProbeResultInput): void {
  mkdirSync(cellsDir, { recursive: true });
  writeFileAtomic(probeResultPath(cellsDir, result.id), [Buffer.from(`${JSON.stringify(probeResultSchema.parse(result), null, 2)}\n`)]);
}

export function readAllProbeResults(cellsDir: string): ProbeResult[] {
  if (!existsSync(cellsDir)) return [];
  return readdirSync(cellsDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => probeResultSchema.parse(JSON.parse(readFileSync(join(cellsDir, name), 'utf8'))));
}
