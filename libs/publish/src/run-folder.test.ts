import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunFolder } from './run-folder';
import { writeRunManifest } from './run-manifest';

const root = mkdtempSync(join(tmpdir(), 'ktlab-publish-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const results = [
  { protocol: 'linear', layer: 'conv1', dataset: 'test', metric: 'top1', value: 0.4 },
  { protocol: 'detection', layer: 'all', dataset: 'test', metric: 'map50', value: 0.3 },
];

function folder(name: string, files: Record<string, unknown>): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'stages'), { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('readRunFolder', () => {
  it('reads config, results and stage records in the order they finished; times from the files without run.json', () => {
    const dir = folder('plain', {
      'config.json': { kind: 'smoke' },
      'results.json': results,
      'stages/eval.json': { kind: 'eval', finishedAt: '2026-11-23T10:04:00.000Z', files: [], outputs: {} },
      'stages/features.json': { kind: 'features', finishedAt: '2026-11-23T10:01:00.000Z', files: [], outputs: {} },
    });
    utimesSync(join(dir, 'config.json'), new Date('2026-11-23T10:00:00Z'), new Date('2026-11-23T10:00:00Z'));
    utimesSync(join(dir, 'results.json'), new Date('2026-11-23T10:05:00Z'), new Date('2026-11-23T10:05:00Z'));
    const run = readRunFolder(dir);
    expect(run.config).toMatchObject({ kind: 'smoke', steps: 60 });
    expect(run.results).toEqual(results);
    expect(run.stages.map((s) => s.kind)).toEqual(['features', 'eval']);
    expect(run.startedAt).toEqual(new Date('2026-11-23T10:00:00Z'));
    expect(run.finishedAt).toEqual(new Date('2026-11-23T10:05:00Z'));
    expect(run.manifest).toBeUndefined();
  });

  it('takes the times from run.json when ktlab run wrote one', () => {
    const dir = folder('manifest', { 'config.json': { kind: 'smoke' }, 'results.json': results });
    writeRunManifest(dir, { version: 1, preset: 'smoke', seed: 0, quick: true, host: 'laptop', startedAt: '2026-11-23T09:00:00.000Z', finishedAt: '2026-11-23T09:30:00.000Z', stageSeconds: { eval: 12 } });
    const run = readRunFolder(dir);
    expect(run.manifest?.preset).toBe('smoke');
    expect(run.startedAt).toEqual(new Date('2026-11-23T09:00:00Z'));
    expect(run.finishedAt).toEqual(new Date('2026-11-23T09:30:00Z'));
  });

  it('says what is wrong with a folder that is not a finished run', () => {
    expect(() => readRunFolder(join(root, 'absent'))).toThrow(/absent is not a folder/);
    expect(() => readRunFolder(folder('unfinished', { 'config.json': { kind: 'smoke' } }))).toThrow(/has no results.json: the run has not finished/);
    expect(() => readRunFolder(folder('no-config', { 'results.json': results }))).toThrow(/has no config.json/);
    expect(() => readRunFolder(folder('bad-config', { 'config.json': { kind: 'pipeline', data: { path: '' } }, 'results.json': results }))).toThrow(/config.json is not a valid run config: data.path/);
    expect(() => readRunFolder(folder('bad-results', { 'config.json': { kind: 'smoke' }, 'results.json': [{ protocol: 'svm' }] }))).toThrow(/results.json is not a list of eval results: 0.protocol/);
    expect(() => readRunFolder(folder('torn', { 'config.json': { kind: 'smoke' }, 'results.json': '[{"protocol":' }))).toThrow(/results.json is not valid JSON/);
  });
});
