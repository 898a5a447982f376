/** Builds the portal when its sources changed since the last build (a fingerprint of paths, sizes, mtimes). */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCES = ['apps/portal', 'libs/api/src', 'libs/config/src', 'libs/db/src', 'libs/study/src', 'package-lock.json'];
const SKIP = new Set(['node_modules', '.next', 'test-results']);

function walk(path: string, out: string[]): void {
  const stat = statSync(path);
  if (stat.isFile()) {
    out.push(`${path}:${stat.size}:${stat.mtimeMs}`);
    return;
  }
  for (const entry of readdirSync(path).sort()) if (!SKIP.has(entry)) walk(join(path, entry), out);
}

export function portalFingerprint(root: string): string {
  const lines: string[] = [];
  for (const source of SOURCES) if (existsSync(join(root, source))) walk(join(root, source), lines);
  return createHash('sha256').update(lines.map((l) => relative(root, l)).join('\n')).digest('hex');
}

export function ensurePortalBuilt(root: string, log: (line: string) => void): void {
  const portal = join(root, 'apps', 'portal');
  const marker = join(portal, '.next', 'ktlab-fingerprint');
  const fingerprint = portalFingerprint(root);
  if (existsSync(join(portal, '.next', 'BUILD_ID')) && existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint) return;
  log('building the portal (first start or changed sources; about a minute)…');
  execFileSync(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: portal,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  writeFileSync(marker, fingerprint);
}
