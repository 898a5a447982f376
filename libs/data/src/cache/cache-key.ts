import { createHash } from 'node:crypto';
import { CACHE_FORMAT_VERSION } from './decode-cache.js';

/** A short stable hash of everything that decides a cache's content except the source files themselves. */
export function cacheKey(parts: Record<string, string | number | boolean | undefined>): string {
  const canonical = JSON.stringify(
    Object.keys(parts)
      .sort()
      .map((name) => [name, parts[name] ?? null]),
  );
  return createHash('sha256').update(`v${CACHE_FORMAT_VERSION}\n${canonical}`).digest('hex').slice(0, 16);
}
