import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheDir, ktlabHome, repoRoot, sharedDir } from './paths';

afterEach(() => vi.unstubAllEnvs());

describe('paths: one rule for every process', () => {
  it('finds the repository and defaults everything under it', () => {
    expect(existsSync(join(repoRoot(), 'nx.json'))).toBe(true);
    expect(existsSync(join(repoRoot(), 'libs', 'config', 'src', 'paths.ts'))).toBe(true);
    vi.stubEnv('KTLAB_HOME', undefined);
    vi.stubEnv('KTLAB_CACHE', undefined);
    vi.stubEnv('KTLAB_SHARED', undefined);
    expect(ktlabHome()).toBe(join(repoRoot(), '.ktlab'));
    expect(cacheDir()).toBe(join(repoRoot(), '.ktlab', 'cache'));
    expect(sharedDir()).toBe(resolve(repoRoot(), '..', 'shared'));
  });

  it('keeps the cache under KTLAB_HOME unless KTLAB_CACHE names another folder', () => {
    vi.stubEnv('KTLAB_HOME', '/srv/ktlab-home');
    vi.stubEnv('KTLAB_CACHE', undefined);
    expect(ktlabHome()).toBe('/srv/ktlab-home');
    expect(cacheDir()).toBe('/srv/ktlab-home/cache');
    vi.stubEnv('KTLAB_CACHE', 'relative-cache');
    expect(cacheDir()).toBe(resolve('relative-cache'));
    vi.stubEnv('KTLAB_SHARED', '/data/shared');
    expect(sharedDir()).toBe('/data/shared');
  });
});
