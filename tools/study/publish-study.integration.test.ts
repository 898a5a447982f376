/**
 * Publishing locally-run cells (`npm run study -- --publish <url>`) against the real API over HTTP and a fresh
 * database: synthetic finished cell folders (no pipeline) become succeeded runs, a second publish adds nothing, and
 * the portal's benchmark tables for the study tag show the same mean ± std per cell as the study's own report.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '@ktlab/api';
import { createTestApi, TEST_PASSWORD, type TestApi } from '@ktlab/api/testing';
import { signIn } from '@ktlab/publish';
import { writeCellResult } from './cell-files';
import { planStudy, SCALES, type StudyCell, studyTables, TRANSFER_COLUMNS } from '@ktlab/study';
import { publishStudy } from './publish-study';
import { loadStudyResults } from './report/load-results';
import { syntheticCell, paperLikeValue } from '@ktlab/study/testing';

let api: TestApi;
let server: { url: string; close(): Promise<void> };
const studyDir = mkdtempSync(join(tmpdir(), 'ktlab-study-publish-'));
const artifacts = mkdtempSync(join(tmpdir(), 'ktlab-study-publish-artifacts-'));

beforeAll(async () => {
  process.env.KTLAB_ARTIFACTS = artifacts;
  api = await createTestApi();
  server = await startApiServer({ db: api.db, events: api.events });
});
afterAll(async () => {
  await server?.close();
  await api?.close();
  rmSync(studyDir, { recursive: true, force: true });
  rmSync(artifacts, { recursive: true, force: true });
  delete process.env.KTLAB_ARTIFACTS;
});

/** A finished cell folder as a local run leaves it: cell.json, config.json, results.json, stage records. */
function writeFinishedCell(cell: StudyCell): void {
  const dir = join(studyDir, cell.id);
  const result = syntheticCell(cell, paperLikeValue, cell.group === 'main' ? ['linear', 'nonlinear', 'finetune'] : ['linear']);
  mkdirSync(join(dir, 'stages'), { recursive: true });
  writeCellResult(dir, result);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(cell.config));
  writeFileSync(join(dir, 'results.json'), JSON.stringify(result.results));
  writeFileSync(join(dir, 'stages', 'eval.json'), JSON.stringify({ kind: 'eval', finishedAt: result.finishedAt, files: [], outputs: {} }));
  if (cell.id === 'random-s0') {
    mkdirSync(join(dir, 'figures'));
    writeFileSync(join(dir, 'figures', 'conv1-filters.png'), PNG);
  }
}

/** Bytes standing for a figure: the portal stores them as sent. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('publishStudy', () => {
  const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10', seeds: 3, only: ['random', 'jigsaw', 'cc-jigsaw++', 'supervised'] });
  const unfinished = 'jigsaw-s2';

  it('publishes the finished cells once, and the benchmark tables match the report\'s', async () => {
    for (const cell of plan.cells) if (cell.id !== unfinished) writeFinishedCell(cell);
    const session = await signIn({ portalUrl: server.url, email: 'default-owner@test.ktlab', password: TEST_PASSWORD });
    const log: string[] = [];

    const first = await publishStudy({ plan, studyDir, session, host: 'laptop', log: (line) => log.push(line) });
    expect(first.published).toHaveLength(plan.cells.length - 1);
    expect(first.files).toBe(1);
    expect(first.skipped).toEqual([{ id: unfinished, reason: 'not finished' }]);
    const again = await publishStudy({ plan, studyDir, session, host: 'laptop', log: (line) => log.push(line) });
    expect(again.published).toEqual([]);
    expect(again.files).toBe(0);
    expect(again.alreadyPublished.map((c) => c.runId).sort()).toEqual(first.published.map((c) => c.runId).sort());
    expect(await api.db.run.count()).toBe(plan.cells.length - 1);

    const listed = await api.user.runs.list({ tags: ['study:quick'], pageSize: 100 });
    expect(listed.total).toBe(plan.cells.length - 1);
    expect(new Set(listed.runs.map((run) => run.status))).toEqual(new Set(['succeeded']));
    const k5 = await api.user.runs.get({ id: first.published.find((c) => c.id === 'k5-s1')!.runId });
    expect(k5).toMatchObject({ name: 'study-quick-k5-s1', method: 'cc-jigsaw++ k=5', importedFrom: 'study@laptop' });
    expect(k5.tags.slice(0, 2)).toEqual(['study:quick', 'cell:k5-s1']);
    expect(k5.tags[2]).toMatch(/^cfg:[0-9a-f]{16}$/);
    expect(k5.stages.find((stage) => stage.kind === 'eval')).toMatchObject({ status: 'succeeded' });
    const withFigure = await api.user.runs.get({ id: first.published.find((c) => c.id === 'random-s0')!.runId });
    expect(withFigure.artifacts.map((artifact) => [artifact.name, artifact.kind, artifact.bytes])).toEqual([['conv1-filters.png', 'figure', PNG.length]]);

    // The report's tables from the same folders, cell by cell against the portal's.
    const report = studyTables(loadStudyResults(plan, studyDir).cells);
    const mainK = plan.cells.find((cell) => cell.id === 'cc-jigsaw++-s0')!.k;
    const methodOf: Record<string, (key: string) => string> = {
      'table4-linear': (row) => row,
      'table6-nonlinear': (row) => row,
      'table3-finetune': (row) => row,
      'table1-clusters': (k) => (Number(k) === mainK ? 'cc-jigsaw++' : `cc-jigsaw++ k=${k}`),
      'table2-domain': (domain) => (domain === 'main' ? 'cc-jigsaw++' : `cc-jigsaw++ ${domain}`),
    };
    const protocolOf: Record<string, 'linear' | 'nonlinear' | 'finetune'> = { 'table6-nonlinear': 'nonlinear', 'table3-finetune': 'finetune' };
    expect(report.map((table) => table.id).sort()).toEqual([...Object.keys(methodOf), 'table3-transfer'].sort());
    let compared = 0;
    for (const table of report.filter((t) => t.id !== 'table3-transfer')) {
      const portal = await api.user.benchmarks.table({ dataset: 'test', study: 'quick', columns: { by: 'layer', protocol: protocolOf[table.id] ?? 'linear' } });
      table.rows.forEach((row, r) => {
        const portalRow = portal.rows.find((candidate) => candidate.method === methodOf[table.id]!(row.key));
        expect(portalRow, `${table.id} ${row.key}`).toBeDefined();
        table.columns.forEach((column, c) => {
          const expected = table.cells[r]![c]!;
          const actual = portalRow!.cells[column]!;
          expect(actual.n, `${table.id} ${row.key} ${column}`).toBe(expected.n);
          expect(actual.mean).toBeCloseTo(expected.mean, 12);
          expect(actual.std ?? 0).toBeCloseTo(expected.std, 12);
          // The main tables' bold marks too: references excluded, ablation rows ranked in their own groups.
          if (!['table1-clusters', 'table2-domain'].includes(table.id)) expect(actual.best, `${table.id} ${row.key} ${column} best`).toBe(table.best[r]![c]);
          compared++;
        });
      });
    }
    // 4 rows × (5 + 5 + 1) main columns; 4 k × 5 and 4 domain rows × 5 linear columns
    expect(compared).toBe(4 * 11 + 4 * 5 + 4 * 5);

    // Table 3's transfer columns: classification from the main runs, detection and segmentation from the transfer
    // runs, which the benchmark view shows on the same method's row.
    const transfer = report.find((table) => table.id === 'table3-transfer')!;
    expect(transfer.rows.map((row) => row.key)).toEqual(['random', 'supervised', 'jigsaw', 'cc-jigsaw++']);
    let transferCompared = 0;
    for (const spec of TRANSFER_COLUMNS) {
      const portal = await api.user.benchmarks.table({ dataset: 'test', study: 'quick', metric: spec.metric, columns: { by: 'layer', protocol: spec.protocol } });
      const c = transfer.columns.indexOf(spec.column);
      transfer.rows.forEach((row, r) => {
        const expected = transfer.cells[r]![c];
        const actual = portal.rows.find((candidate) => candidate.method === row.key)?.cells[spec.layer];
        expect(actual?.n, `${spec.column} ${row.key}`).toBe(expected?.n);
        if (!expected) return;
        expect(actual!.mean).toBeCloseTo(expected.mean, 12);
        transferCompared++;
      });
    }
    // Jigsaw has no transfer cell: its classification column only; the three headline rows have all six columns
    expect(transferCompared).toBe(3 * 6 + 1);
    const jigsaw = (await api.user.benchmarks.table({ dataset: 'test', study: 'quick', columns: { by: 'layer', protocol: 'linear' } })).rows.find((row) => row.method === 'jigsaw')!;
    expect(jigsaw.cells.conv1!.n).toBe(2);
    const linear = await api.user.benchmarks.table({ dataset: 'test', study: 'quick', columns: { by: 'layer', protocol: 'linear' } });
    expect(linear.rows.find((row) => row.method === 'cc-jigsaw++ k=5')?.group).toBe('clusters');
    expect(linear.rows.find((row) => row.method.endsWith('half-A→half-B'))?.group).toBe('domain');
    expect(linear.rows.find((row) => row.method === 'supervised')?.reference).toBe(true);
  });

  it('skips cells that ran on the portal or for another config, and needs a member', async () => {
    const portalCell = plan.cells.find((cell) => cell.id === 'random-s0')!;
    const onPortal = { ...syntheticCell(portalCell, paperLikeValue), portalRunId: 'run-on-portal' };
    const dir = mkdtempSync(join(tmpdir(), 'ktlab-study-publish-skips-'));
    for (const id of ['random-s0', 'random-s1', 'random-s2']) mkdirSync(join(dir, id));
    try {
      writeCellResult(join(dir, 'random-s0'), onPortal);
      writeCellResult(join(dir, 'random-s1'), { ...syntheticCell(plan.cells.find((cell) => cell.id === 'random-s1')!, paperLikeValue), configHash: 'another' });
      const session = await signIn({ portalUrl: server.url, email: 'default-owner@test.ktlab', password: TEST_PASSWORD });
      const summary = await publishStudy({ plan: { ...plan, cells: plan.cells.filter((cell) => cell.row === 'random' && cell.group === 'main') }, studyDir: dir, session, log: () => undefined });
      expect(summary.published).toEqual([]);
      expect(summary.skipped).toEqual([
        { id: 'random-s0', reason: 'ran on the portal (run run-on-portal)' },
        { id: 'random-s1', reason: 'its result is for another config (another); run the study again' },
        { id: 'random-s2', reason: 'not finished' },
      ]);

      writeCellResult(join(dir, 'random-s2'), syntheticCell(plan.cells.find((cell) => cell.id === 'random-s2')!, paperLikeValue));
      await api.newUser('Stranger', { projects: ['elsewhere'] });
      const stranger = await signIn({ portalUrl: server.url, email: 'stranger@test.ktlab', password: TEST_PASSWORD });
      await expect(publishStudy({ plan, studyDir: dir, session: stranger, log: () => undefined })).rejects.toThrow(/the portal refused the run: you are not a member of project default/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
