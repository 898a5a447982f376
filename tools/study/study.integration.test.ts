/**
 * End to end on a tiny generated CIFAR-style folder: plan a one-row smoke study, run its cell in-process, find it
 * skipped on a re-run, and write the report from its real results.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readCellResult } from './cell-files';
import { planStudy, type Scale, SCALES } from '@ktlab/study';
import { writeReport } from './report/write-report';
import { loadStudyResults } from './report/load-results';
import { runLocally } from './run-local';

const root = mkdtempSync(join(tmpdir(), 'ktlab-study-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Two classes that differ in colour, with pixel noise. */
async function writeSplit(split: string, perClass: number): Promise<void> {
  for (const [index, name] of ['red', 'blue'].entries()) {
    mkdirSync(join(root, 'data', split, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const pixels = Buffer.alloc(32 * 32 * 3);
      for (let p = 0; p < 32 * 32; p++) {
        const noise = (p * 7919 + i * 104729) % 60;
        pixels[p * 3] = index === 0 ? 180 + noise : noise;
        pixels[p * 3 + 1] = 60 + noise;
        pixels[p * 3 + 2] = index === 1 ? 180 + noise : noise;
      }
      await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).jpeg().toFile(join(root, 'data', split, name, `${i}.jpg`));
    }
  }
}

const tiny: Scale = {
  ...SCALES.smoke,
  rows: ['random'],
  trainImages: 40,
  evalTrainImages: 40,
  testImages: 20,
  evaluation: { ...SCALES.smoke.evaluation, epochs: 1 },
};

describe('study end to end', () => {
  it('runs a planned cell, skips it when finished, and reports its results', async () => {
    await writeSplit('train', 20);
    await writeSplit('test', 10);
    const plan = planStudy({ scale: tiny, dataRoot: join(root, 'data') });
    expect(plan.cells.map((cell) => cell.id)).toEqual(['random-s0']);
    const studyDir = join(root, 'study');
    const options = { plan, studyDir, cacheDir: join(root, 'cache'), signal: new AbortController().signal, quiet: true };

    const first = await runLocally(options);
    expect(first).toEqual({ ran: ['random-s0'], skipped: [], failed: [] });
    const result = readCellResult(join(studyDir, 'random-s0'))!;
    expect(result.results.map((r) => `${r.protocol}/${r.layer}`)).toEqual(['linear/conv1', 'linear/conv2', 'linear/conv3', 'linear/conv4', 'linear/conv5']);
    for (const r of result.results) expect(r.value).toBeGreaterThanOrEqual(0);
    expect(result.wallSeconds).toBeGreaterThan(0);
    expect(result.images).toEqual({ train: 40, evalTrain: 40, test: 20 });
    // the commit that computed it (this test runs in a git checkout)
    expect(result.commit).toMatch(/^[0-9a-f]{12}(-dirty)?$/);

    expect(await runLocally(options)).toEqual({ ran: [], skipped: ['random-s0'], failed: [] });

    // Only the evaluation changed: the old folder is set aside and kept, its trained stages are copied back and only
    // the evaluation runs again.
    const evaluatedAgain = planStudy({ scale: { ...tiny, evaluation: { ...tiny.evaluation, epochs: 2 } }, dataRoot: join(root, 'data') });
    expect(await runLocally({ ...options, plan: evaluatedAgain })).toEqual({ ran: ['random-s0'], skipped: [], failed: [] });
    expect(readdirSync(studyDir).filter((name) => name.startsWith('random-s0.replaced-'))).toHaveLength(1);
    const reEvaluated = readCellResult(join(studyDir, 'random-s0'))!;
    expect(Object.keys(reEvaluated.stageSeconds)).toEqual(['eval']);
    expect(reEvaluated.reused).toEqual(['trained stages from its run before the evaluation settings changed']);

    // Another training config for the same cell: set aside (not resumed from its checkpoints) and trained afresh.
    const retrained = planStudy({ scale: { ...tiny, target: { ...tiny.target, epochs: 2 } }, dataRoot: join(root, 'data') });
    expect(await runLocally({ ...options, plan: retrained })).toMatchObject({ ran: ['random-s0'] });
    expect(readdirSync(studyDir).filter((name) => name.startsWith('random-s0.replaced-'))).toHaveLength(2);
    const afresh = readCellResult(join(studyDir, 'random-s0'))!;
    expect(Object.keys(afresh.stageSeconds)).toContain('cluster-classification');
    expect(afresh.reused).toEqual([]);
    expect(await runLocally(options)).toMatchObject({ ran: ['random-s0'] });

    const outDir = join(root, 'report');
    await writeReport({ plan, results: loadStudyResults(plan, studyDir), outDir });
    expect(existsSync(join(outDir, 'accuracy-per-layer-linear.png'))).toBe(true);
    expect(readFileSync(join(outDir, 'tables.md'), 'utf8')).toMatch(/\| Random \| \*\*\d+\.\d\*\* \| \*\*\d+\.\d\*\* \|/);
  }, 120_000);

  it('reuses the pretext a cell folder trained in an earlier sitting, also when --only leaves that row out of the plan', async () => {
    if (!existsSync(join(root, 'data', 'test'))) {
      await writeSplit('train', 20);
      await writeSplit('test', 10);
    }
    const jigsawScale: Scale = { ...tiny, rows: ['jigsaw++', 'cc-jigsaw++'], clustering: { k: 4, iterations: 2 }, pretext: { ...tiny.pretext, widthMultiplier: 0.1 } };
    const studyDir = join(root, 'study-pretext');
    const run = (only: string) =>
      runLocally({ plan: planStudy({ scale: jigsawScale, dataRoot: join(root, 'data'), only: [only], groups: ['main'] }), studyDir, cacheDir: join(root, 'cache'), signal: new AbortController().signal, quiet: true });
    expect(await run('jigsaw++')).toEqual({ ran: ['jigsaw++-s0'], skipped: [], failed: [] });
    expect(await run('cc-jigsaw++')).toEqual({ ran: ['cc-jigsaw++-s0'], skipped: [], failed: [] });
    const cc = readCellResult(join(studyDir, 'cc-jigsaw++-s0'))!;
    expect(cc.reused).toEqual(['pretext from jigsaw++-s0']);
    expect(Object.keys(cc.stageSeconds)).not.toContain('pretext');
    expect(readFileSync(join(studyDir, 'cc-jigsaw++-s0', 'pretext', 'trunk', 'weights.bin'))).toEqual(readFileSync(join(studyDir, 'jigsaw++-s0', 'pretext', 'trunk', 'weights.bin')));
  }, 180_000);

  it('evaluates the main cell\'s networks in its transfer cell (detection and segmentation only) and reports Table 3', async () => {
    if (!existsSync(join(root, 'data', 'test'))) {
      await writeSplit('train', 20);
      await writeSplit('test', 10);
    }
    const withTransfer: Scale = { ...tiny, evaluation: { ...tiny.evaluation, dense: { rows: ['random'], settings: { canvasSize: 32, trainScenes: 6, testScenes: 3, epochs: 1 } } } };
    const plan = planStudy({ scale: withTransfer, dataRoot: join(root, 'data') });
    expect(plan.cells.map((cell) => cell.id)).toEqual(['random-s0', 'transfer-random-s0']);
    const studyDir = join(root, 'study-transfer');
    const summary = await runLocally({ plan, studyDir, cacheDir: join(root, 'cache'), signal: new AbortController().signal, quiet: true });
    expect(summary).toEqual({ ran: ['random-s0', 'transfer-random-s0'], skipped: [], failed: [] });

    const transfer = readCellResult(join(studyDir, 'transfer-random-s0'))!;
    expect(transfer.reused).toEqual(['networks from random-s0']);
    expect([...new Set(transfer.results.map((r) => `${r.protocol}/${r.layer}`))].sort()).toEqual(['detection/all', 'detection/frozen', 'segmentation/all', 'segmentation/frozen']);
    // the target stage was restored from the main cell's folder, not run again
    expect(Object.keys(transfer.stageSeconds)).toEqual(['eval']);
    expect(readFileSync(join(studyDir, 'transfer-random-s0', 'target', 'model', 'weights.bin'))).toEqual(readFileSync(join(studyDir, 'random-s0', 'target', 'model', 'weights.bin')));

    const outDir = join(root, 'report-transfer');
    await writeReport({ plan, results: loadStudyResults(plan, studyDir), outDir });
    const readme = readFileSync(join(outDir, 'README.md'), 'utf8');
    expect(readme).toContain('### Table 3 analog — transfer: classification, detection, segmentation');
    const transferTable = readme.slice(readme.indexOf('### Table 3 analog — transfer'), readme.indexOf('## Detection and segmentation'));
    // no fine-tuning in this tiny scale: the detection and segmentation columns (fine-tuned, then frozen) only
    expect(transferTable).toMatch(/\| Method \| detection mAP@0\.5 \| detection mAP@\[\.5:\.95\] \| segmentation mIoU \| detection mAP@0\.5, frozen \| segmentation mIoU, frozen \| n \|/);
    expect(transferTable).toMatch(/\| Random( \| \*\*\d+\.\d\*\*){5} \| 1 \|/);
    expect(readme).toContain('## Detection and segmentation (Table 3 analog)');
  }, 180_000);
});
