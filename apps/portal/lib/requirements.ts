import type { Requirements } from '@ktlab/config';

/** Drops empty fields, and the object itself when nothing is required (the config then has no `requirements`). */
export function normalizeRequirements(requirements: Requirements | undefined): Requirements | undefined {
  const next: Requirements = {};
  if (requirements?.accelerator) next.accelerator = requirements.accelerator;
  if (requirements?.minMemoryGiB !== undefined) next.minMemoryGiB = requirements.minMemoryGiB;
  return Object.keys(next).length ? next : undefined;
}

/** The run config with these requirements, or without any (the launch form keeps them across preset changes). */
export function withRequirements(config: Record<string, unknown>, requirements: Requirements | undefined): Record<string, unknown> {
  const { requirements: _previous, ...rest } = config;
  const normalized = normalizeRequirements(requirements);
  return normalized ? { ...rest, requirements: normalized } : rest;
}
