import { describe, expect, it } from 'vitest';
import { backendFromEnvironment, selectBackendOptionsSchema } from './backend-choice.js';

describe('backend choice', () => {
  it('reads KTLAB_BACKEND: unset or auto means no forcing, a known name forces it', () => {
    expect(backendFromEnvironment(undefined)).toBeUndefined();
    expect(backendFromEnvironment('auto')).toBeUndefined();
    expect(backendFromEnvironment('cpu')).toBe('cpu');
    expect(backendFromEnvironment('tfjs-node-gpu')).toBe('tfjs-node-gpu');
  });

  it('names the valid choices when KTLAB_BACKEND is unknown', () => {
    expect(() => backendFromEnvironment('webgl')).toThrow(/KTLAB_BACKEND='webgl'.*ktlab-wasm/);
  });

  it('validates options', () => {
    expect(selectBackendOptionsSchema.parse({})).toEqual({ prefer: 'auto' });
    expect(() => selectBackendOptionsSchema.parse({ threads: 0 })).toThrow();
    expect(() => selectBackendOptionsSchema.parse({ prefer: 'gpu' })).toThrow();
  });
});
