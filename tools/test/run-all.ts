/**
 * `npm test`: everything, in the order a failure is cheapest to find — lint (incl. Nx module boundaries),
 * types, unit + integration tests (vitest, real PostgreSQL), then browser e2e (Playwright + Chromium).
 * Every step runs even when an earlier one fails; the last line counts tests: `tests: N passed, N failed`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2);

interface Step {
  name: string;
  commands: string[][];
  env?: Record<string, string>;
  count?: () => { passed: number; failed: number; skipped: number };
}

const vitestJson = join(results, 'vitest.json');
const playwrightJson = join(results, 'playwright.json');

const steps: Step[] = [
  { name: 'lint', commands: [[bin('nx'), 'show', 'projects'], [bin('eslint'), '.']] },
  { name: 'typecheck', commands: [[bin('tsc'), '-p', 'tsconfig.json', '--noEmit']] },
  {
    name: 'unit+integration',
    commands: [[bin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]],
    count: () => {
      const report = JSON.parse(readFileSync(vitestJson, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
      return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
    },
  },
  {
    name: 'e2e',
    commands: [[bin('playwright'), 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json']],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
    count: () => {
      const report = JSON.parse(readFileSync(playwrightJson, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
      return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped };
    },
  },
];

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary: string[] = [];
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  console.log(`\n=== ${step.name} ===`);
  const started = Date.now();
  let ok = true;
  for (const [command, ...args] of step.commands) {
    const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', ...step.env } });
    if (run.status !== 0) {
      ok = false;
      break;
    }
  }
  let counted = '';
  if (step.count) {
    try {
      const c = step.count();
      totals.passed += c.passed;
      totals.failed += c.failed;
      totals.skipped += c.skipped;
      counted = ` (${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped)`;
      if (c.failed > 0) ok = false;
    } catch {
      counted = ' (no report written)';
      ok = false;
    }
  } else if (!ok) totals.failed += 1;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${step.name}${counted} in ${Math.round((Date.now() - started) / 1000)}s`);
}

console.log(`\n=== summary ===\n${summary.join('\n')}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(summary.some((line) => line.startsWith('FAIL')) || (!existsSync(vitestJson) && !only.length) ? 1 : 0);
