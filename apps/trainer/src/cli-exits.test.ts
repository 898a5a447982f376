/**
 * The ktlab commands not spawned elsewhere (config, run and submit are, in run-config/cli.test.ts) run as a
 * person or a script runs them: stdin closed, and each exits by itself with its status — also after
 * TensorFlow.js started its thread pools (smoke), and on an error (publish to a portal that is not there).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { presets } from '@ktlab/config';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function ktlab(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// A command that stopped exiting would hang here until this timeout fails the test.
describe('ktlab commands exit by themselves with stdin closed', { timeout: 120_000 }, () => {
  it('presets: lists every preset and exits 0', async () => {
    const result = await ktlab(['presets']);
    expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 0, signal: null });
    expect(result.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(presets.map((preset) => preset.id));
  });

  it('smoke: trains the worker check for the steps asked, prints its end and exits 0 with the backend\'s threads running', async () => {
    const result = await ktlab(['smoke', '--steps', '3']);
    expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 0, signal: null });
    expect(result.stdout).toMatch(/ktlab smoke: 3 steps in [\d.]+ s; loss [\d.]+ → /);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^ktlab smoke: ok \(backend [\w-]+\)$/);
  });

  it('publish: says why it failed and exits 1 when the portal cannot be reached', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-cli-publish-'));
    const result = await ktlab(['publish', runDir, '--portal', 'http://127.0.0.1:9', '--email', 'a@b.c', '--password', 'x']);
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
    expect(result.stderr).toMatch(/^ktlab publish: /);
  });
});
