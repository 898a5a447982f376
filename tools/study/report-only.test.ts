/**
 * `npm run study -- --report-only` on a machine without a scale's cells (a fresh clone, say) must not replace the
 * committed report with an empty one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const study = fileURLToPath(new URL('./study.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('study --report-only', () => {
  it('leaves an existing report alone and exits 1 when no cell of the scale has finished', () => {
    const out = mkdtempSync(join(tmpdir(), 'ktlab-report-only-'));
    const home = mkdtempSync(join(tmpdir(), 'ktlab-report-home-'));
    dirs.push(out, home);
    writeFileSync(join(out, 'README.md'), 'the committed report\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', study, '--scale', 'quick', '--report-only', '--out', out], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KTLAB_HOME: home },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no finished quick cells');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('the committed report\n');
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
  });
});
