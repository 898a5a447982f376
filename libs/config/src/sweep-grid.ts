/**
 * Grid sweeps: several config fields swept at once, one run per combination of their values (the cartesian
 * product), e.g. the paper's Table 1 (`clustering.k`) or Table 2 (`clustering.data` × `pseudoLabels.data`).
 * Shared by the API, which validates a sweep at its boundary, and the launch form, which shows the count first.
 */
import { z } from 'zod';

/** The most runs one sweep may launch. */
export const MAX_SWEEP_RUNS = 64;
/** The most fields one sweep may vary. */
export const MAX_SWEEP_FIELDS = 6;

/** Keys that would reach an object's prototype instead of a config field. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export const sweepFieldSchema = z
  .string()
  .trim()
  .min(1, 'name a config field, e.g. clustering.k')
  .max(200)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'a dotted config path such as clustering.k')
  .refine((path) => !path.split('.').some((segment) => FORBIDDEN_SEGMENTS.has(segment)), 'not a config field');

/** A swept value: a scalar, or an object for a whole sub-config such as a dataset (`{ path, subset }`). */
export const sweepValueSchema = z.union([z.number(), z.string().max(500), z.boolean(), z.record(z.string(), z.unknown())]);
export type SweepValue = z.infer<typeof sweepValueSchema>;

function valueKey(value: SweepValue): string {
  return JSON.stringify(value);
}

export const sweepAxisSchema = z
  .object({
    field: sweepFieldSchema,
    values: z.array(sweepValueSchema).min(1, 'give at least one value').max(MAX_SWEEP_RUNS, `at most ${MAX_SWEEP_RUNS} values`),
  })
  .superRefine((axis, ctx) => {
    const seen = new Set<string>();
    for (const value of axis.values) {
      const key = valueKey(value);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['values'], message: `${axis.field}: the value ${sweepValueLabel(value)} is given twice` });
      seen.add(key);
    }
  });
export type SweepAxis = z.infer<typeof sweepAxisSchema>;

/** The number of runs a sweep over these axes launches: the product of their value counts. */
export function sweepRunCount(axes: readonly { values: readonly unknown[] }[]): number {
  return axes.reduce((count, axis) => count * axis.values.length, 1);
}

/** Why these axes cannot form a sweep, as field-level issues (path relative to the axes list); empty when they can. */
export function sweepAxesIssues(axes: readonly { field: string; values: readonly unknown[] }[]): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  axes.forEach((axis, j) => {
    const earlier = axes.slice(0, j).find((other) => other.field === axis.field || axis.field.startsWith(`${other.field}.`) || other.field.startsWith(`${axis.field}.`));
    if (earlier) issues.push({ path: [j, 'field'], message: earlier.field === axis.field ? `${axis.field} is swept twice` : `${axis.field} overlaps ${earlier.field}, swept already` });
  });
  const count = sweepRunCount(axes);
  if (count > MAX_SWEEP_RUNS) {
    issues.push({ path: [], message: `this sweep makes ${count} runs (${axes.map((a) => a.values.length).join(' × ')}); a sweep launches at most ${MAX_SWEEP_RUNS}` });
  }
  return issues;
}

export const sweepAxesSchema = z
  .array(sweepAxisSchema)
  .min(1, 'sweep at least one field')
  .max(MAX_SWEEP_FIELDS, `a sweep varies at most ${MAX_SWEEP_FIELDS} fields`)
  .superRefine((axes, ctx) => {
    for (const issue of sweepAxesIssues(axes)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** One run's share of a sweep: the value each axis takes. */
export type SweepCombination = { field: string; value: SweepValue }[];

/** Every combination of the axes' values, once each; the first axis varies slowest. */
export function sweepCombinations(axes: readonly SweepAxis[]): SweepCombination[] {
  return axes.reduce<SweepCombination[]>(
    (combinations, axis) => combinations.flatMap((combination) => axis.values.map((value) => [...combination, { field: axis.field, value }])),
    [[]],
  );
}

/**
 * A value as a run name shows it: scalars as typed; a dataset as its folder's last segment and its subset
 * (`train.first-half`); any other object as JSON.
 */
export function sweepValueLabel(value: SweepValue): string {
  if (typeof value !== 'object') return String(value);
  if (typeof value.path === 'string') {
    const folder = value.path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || value.path;
    return typeof value.subset === 'string' && value.subset !== 'all' ? `${folder}.${value.subset}` : folder;
  }
  return JSON.stringify(value);
}
