import { runConfigSchema } from '@ktlab/config';
import { describe, expect, it } from 'vitest';
import { normalizeRequirements, withRequirements } from './requirements';

describe('launch form requirements', () => {
  it('keeps only what is required', () => {
    expect(normalizeRequirements({ accelerator: undefined, minMemoryGiB: undefined })).toBeUndefined();
    expect(normalizeRequirements({ accelerator: 'gpu', minMemoryGiB: undefined })).toEqual({ accelerator: 'gpu' });
    expect(normalizeRequirements({ minMemoryGiB: 0 })).toEqual({ minMemoryGiB: 0 }); // kept, so validation reports it
  });

  it('sets and removes them on a config that stays valid', () => {
    const config = runConfigSchema.parse({ kind: 'smoke' }) as Record<string, unknown>;
    const gpu = withRequirements(config, { accelerator: 'gpu', minMemoryGiB: 16 });
    expect(runConfigSchema.parse(gpu).requirements).toEqual({ accelerator: 'gpu', minMemoryGiB: 16 });
    const cleared = withRequirements(gpu, {});
    expect('requirements' in cleared).toBe(false);
    expect(runConfigSchema.safeParse(withRequirements(config, { minMemoryGiB: 0 })).success).toBe(false);
  });
});
