import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { runConfigInputSchema } from '@ktlab/config';
import { configHash, orderingChecks, anchorChecks, planStudy, portalMethod, SCALES, studyRunName, studyTags, studyTransferTable, type CellResult, type StudyPlan } from '@ktlab/study';
import { syntheticResults } from '@ktlab/study/testing';
import { createTestApi, type TestApi } from '../../testing';
import { studyLaunchLockKey } from './launch-plan';

let base: string;
let dataRoot: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'ktlab-studies-')));
  dataRoot = join(base, 'shared', 'cifar10');
  for (const split of ['train', 'test']) mkdirSync(join(dataRoot, split, 'cat'), { recursive: true });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('studies router', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await api.close();
  });

  /** A finished portal run of a study cell, inserted as a worker would leave it: tags, config, eval results. */
  async function finishedRun(plan: StudyPlan, result: CellResult, options: { status?: 'succeeded' | 'failed' | 'running'; finishedAt?: Date; projectSlug?: string; scale?: string; value?: number } = {}) {
    const cell = plan.cells.find((c) => c.id === result.id)!;
    const project = await api.db.project.findUniqueOrThrow({ where: { slug: options.projectSlug ?? 'default' } });
    const scale = options.scale ?? plan.scale.name;
    const run = await api.db.run.create({
      data: {
        projectId: project.id,
        name: studyRunName(scale, cell),
        method: portalMethod(cell),
        tags: studyTags(scale, cell),
        config: cell.config,
        status: options.status ?? 'succeeded',
        finishedAt: options.finishedAt ?? new Date('2026-01-01T00:00:00Z'),
        evalResults: { create: result.results.map((r) => ({ ...r, value: options.value ?? r.value })) },
      },
    });
    return run.id;
  }

  describe('orderings', () => {
    // Three rows and the ablations, three seeds: every kind of check the paper's tables allow with them.
    const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10', only: ['random', 'jigsaw++', 'cc-jigsaw++', 'supervised'] });
    const cells = syntheticResults(plan).cells;

    it('checks the paper\'s orderings and the anchors on the study\'s finished runs, as the report does on its cells', async () => {
      for (const cell of cells) await finishedRun(plan, cell);
      const result = await api.user.studies.orderings({ study: 'quick' });
      const expected = orderingChecks(cells);
      expect(result.cells).toBe(cells.length);
      expect(result.checks.map((check) => [check.claim, check.outcome, check.detail])).toEqual(expected.map((check) => [check.claim, check.outcome, check.detail]));
      expect(result.checks.map((check) => check.claim)).toEqual(expect.arrayContaining(['CC+Jigsaw++ > Jigsaw++ (linear, conv4)', 'Supervised > Jigsaw++ (best linear layer)']));
      expect(result.checks.some((check) => check.claim.startsWith('more clusters help'))).toBe(true);
      expect(result.checks.some((check) => check.claim.startsWith('pseudo-labels on other images'))).toBe(true);
      const transfer = result.checks.find((check) => check.claim === 'CC+Jigsaw++ > Jigsaw++ (linear, conv4)')!;
      expect(transfer).toMatchObject({ outcome: 'held', relation: '>', left: { label: 'CC+Jigsaw++ linear conv4', n: 3, mean: expect.closeTo(0.4, 6) }, right: { n: 3, mean: expect.closeTo(0.34, 6) } });
      expect(transfer.p).toBeLessThan(0.05);
      expect(transfer.left.values).toHaveLength(3);
      expect(result.anchors).toEqual(anchorChecks(cells));
      expect(result.runs).toEqual({ queued: 0, running: 0, succeeded: cells.length, failed: 0, cancelled: 0 });
      expect(result).toMatchObject({ study: 'quick', scale: 'quick', alpha: 0.05, superseded: [], unknown: [] });
      // the scale's design has rows this study did not run: their cells are pending
      expect(result.pending).toContain('rotation-s0');
      expect(result.pending).not.toContain('random-s0');
      // Table 3: classification from the main runs, detection and segmentation from the transfer runs
      const table = studyTransferTable(cells)!;
      expect(result.transfer).toMatchObject({ title: table.title, columns: table.columns });
      expect(result.transfer!.columns).toEqual(['classification top-1', 'detection mAP@0.5', 'detection mAP@[.5:.95]', 'segmentation mIoU', 'detection mAP@0.5, frozen', 'segmentation mIoU, frozen']);
      expect(result.transfer!.rows.map((row) => [row.key, row.reference])).toEqual([['random', false], ['supervised', true], ['jigsaw++', false], ['cc-jigsaw++', false]]);
      const random = result.transfer!.rows[0]!;
      expect(random.cells[1]).toMatchObject({ mean: expect.closeTo(0.2, 6), n: 3, best: false });
      expect(result.transfer!.rows[3]!.cells[1]).toMatchObject({ mean: expect.closeTo(0.43, 6), n: 3, best: true });
      // Jigsaw++ has no transfer cell: classification only
      expect(result.transfer!.rows[2]!.cells.slice(1)).toEqual([null, null, null, null, null]);
    });

    it('counts only the project\'s finished, undeleted runs of that study, a re-run cell once, and says so', async () => {
      const random = cells.filter((cell) => cell.row === 'random' && cell.group === 'main');
      const jigsaw = cells.filter((cell) => cell.row === 'jigsaw++' && cell.group === 'main');
      for (const cell of [...random, ...jigsaw]) await finishedRun(plan, cell);
      // noise that must not count: a failed run, a deleted one, another study's, another project's
      await finishedRun(plan, random[0]!, { status: 'failed', value: 0.99 });
      const deleted = await finishedRun(plan, random[1]!, { value: 0.99, finishedAt: new Date('2026-02-01T00:00:00Z') });
      await api.user.runs.delete({ ids: [deleted] });
      await finishedRun(plan, random[2]!, { scale: 'medium', value: 0.99 });
      const outsider = await api.newUser('Out', { projects: ['other'] });
      await finishedRun(plan, random[2]!, { projectSlug: 'other', value: 0.99, finishedAt: new Date('2026-02-01T00:00:00Z') });
      // the same cell run again later: the later run is the one counted
      const earlier = await api.db.run.findFirstOrThrow({ where: { tags: { hasEvery: ['study:quick', 'cell:jigsaw++-s0'] } } });
      const rerun = await finishedRun(plan, jigsaw[0]!, { finishedAt: new Date('2026-01-05T00:00:00Z') });

      const result = await api.user.studies.orderings({ study: 'quick' });
      expect(result.cells).toBe(6);
      expect(result.superseded).toEqual([earlier.id]);
      expect(result.runs).toMatchObject({ succeeded: 7, failed: 1 });
      const check = result.checks.find((c) => c.claim === 'Jigsaw++ > Random (best linear layer)')!;
      expect(check.right).toMatchObject({ n: 3, mean: expect.closeTo(0.17, 6) });
      expect(check.outcome).toBe('held');
      expect(result.checks.find((c) => c.claim === 'CC+Jigsaw++ > Jigsaw++ (linear, conv4)')).toBeUndefined();
      expect(rerun).not.toBe(earlier.id);

      const theirs = await outsider.caller.studies.orderings({ projectSlug: 'other', study: 'quick' });
      expect(theirs.cells).toBe(1);
      await expect(outsider.caller.studies.orderings({ study: 'quick' })).rejects.toThrow(/not a member of project default/);
    });

    it('reports a study without results as not measured, and one that is no scale without a plan', async () => {
      const empty = await api.user.studies.orderings({ study: 'medium' });
      expect(empty).toMatchObject({ cells: 0, checks: [], scale: 'medium' });
      expect(empty.anchors.every((anchor) => anchor.outcome === 'pending')).toBe(true);
      expect(empty.pending).toHaveLength(planStudy({ scale: SCALES.medium, dataRoot: '/' }).cells.length);
      await finishedRun(plan, cells.find((cell) => cell.id === 'random-s0')!, { scale: 'my-study' });
      await finishedRun(plan, cells.find((cell) => cell.id === 'jigsaw++-s0')!, { scale: 'my-study' });
      const custom = await api.user.studies.orderings({ study: 'my-study' });
      expect(custom).toMatchObject({ scale: null, pending: null, cells: 2 });
      // one seed a side: the test is undefined, so the claim is not significant, with no p
      expect(custom.checks).toEqual([expect.objectContaining({ claim: 'Jigsaw++ > Random (best linear layer)', outcome: 'not significant', p: null, left: expect.objectContaining({ n: 1, std: null }) })]);
      await expect(api.user.studies.orderings({ study: ' ' })).rejects.toThrow();
    });
  });

  describe('launch', () => {
    const input = () => ({ scale: 'smoke' as const, dataRoot });

    it('queues the plan\'s runs as the CLI\'s --portal path does: names, methods, tags and configs', async () => {
      const plan = planStudy({ scale: SCALES.smoke, dataRoot });
      const preview = await api.user.studies.preview(input());
      expect(preview).toMatchObject({ scale: 'smoke', dataRoot, cells: plan.cells.length, existing: 0, toQueue: plan.cells.length, seeds: 1, defaultSeeds: 1 });
      expect(preview.rows).toEqual([{ id: 'random', name: 'Random' }, { id: 'cc-jigsaw++', name: 'CC+Jigsaw++' }]);

      const launched = await api.user.studies.launch(input());
      expect(launched.created.map((run) => run.cellId)).toEqual(plan.cells.map((cell) => cell.id));
      expect(launched.existing).toEqual([]);
      const runs = await api.db.run.findMany({ orderBy: { createdAt: 'asc' } });
      expect(runs).toHaveLength(plan.cells.length);
      for (const cell of plan.cells) {
        const run = runs.find((r) => r.name === `study-smoke-${cell.id}`)!;
        expect(run).toMatchObject({ status: 'queued', method: portalMethod(cell), tags: studyTags('smoke', cell) });
        expect(run.tags).toContain(`cfg:${configHash(cell.config)}`);
        expect(run.config).toEqual(JSON.parse(JSON.stringify(runConfigInputSchema.parse(cell.config))));
      }
      expect(runs.find((r) => r.name === 'study-smoke-k5-s0')!.tags).toContain('ablation:clusters');
      expect(await api.user.studies.preview(input())).toMatchObject({ existing: plan.cells.length, toQueue: 0 });
    });

    it('is idempotent: a re-launch, or two at once, create no cell\'s run twice; a failed cell is queued again', async () => {
      // Two launches in flight at once, by construction: this test holds the study's launch lock until the
      // database shows both waiting for it, then lets them go.
      const project = await api.db.project.findUniqueOrThrow({ where: { slug: 'default' } });
      const key = studyLaunchLockKey(project.id, 'smoke');
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const holder = api.db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${key}))`;
        locked();
        await released;
      }, { timeout: 60_000 });
      await holding;
      let settled = false;
      const launches = Promise.all([api.user.studies.launch(input()), api.user.studies.launch(input())]).finally(() => (settled = true));
      const waiting = async () =>
        (await api.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)[0]!.n;
      while (!settled && (await waiting()) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(settled, 'both launches wait for the study\'s launch lock').toBe(false);
      release();
      await holder;
      const [first, second] = await launches;
      const cells = planStudy({ scale: SCALES.smoke, dataRoot }).cells.length;
      expect(first.created.length + second.created.length).toBe(cells);
      expect(first.existing.length + second.existing.length).toBe(cells);
      const again = await api.user.studies.launch(input());
      expect(again.created).toEqual([]);
      expect(again.existing.map((run) => run.cellId).sort()).toEqual([...first.created, ...second.created].map((run) => run.cellId).sort());
      expect(await api.db.run.count()).toBe(cells);

      const failed = again.existing.find((run) => run.cellId === 'random-s0')!;
      await api.db.run.update({ where: { id: failed.id }, data: { status: 'failed' } });
      const retry = await api.user.studies.launch(input());
      expect(retry.created.map((run) => run.cellId)).toEqual(['random-s0']);
      expect(await api.db.run.count()).toBe(cells + 1);
    });

    it('finds the runs the CLI created (runs.create with the same tags) and creates only the cells it lacks', async () => {
      const plan = planStudy({ scale: SCALES.smoke, dataRoot });
      const cell = plan.cells[0]!;
      const cli = await api.user.runs.create({ name: studyRunName('smoke', cell), method: portalMethod(cell), tags: studyTags('smoke', cell), config: cell.config });
      const launched = await api.user.studies.launch(input());
      expect(launched.existing).toEqual([{ cellId: cell.id, id: cli.id, name: cli.name, status: 'queued' }]);
      expect(launched.created.map((run) => run.cellId)).toEqual(plan.cells.slice(1).map((c) => c.id));
      // the same cell under another config (another data root) is another cell's run: not reused
      const elsewhere = await api.user.studies.preview({ ...input(), dataRoot: join(base, 'elsewhere') });
      expect(elsewhere).toMatchObject({ existing: 0, toQueue: plan.cells.length });
    });

    it('takes seeds and rows, and refuses what the plan cannot make with a clear message', async () => {
      const preview = await api.user.studies.preview({ scale: 'quick', seeds: 2, only: ['random', 'jigsaw'], dataRoot });
      // Random's detection and segmentation cells come with it
      expect(preview).toMatchObject({ cells: 6, toQueue: 6, seeds: 2, defaultSeeds: 3 });
      const launched = await api.user.studies.launch({ scale: 'quick', seeds: 2, only: ['random', 'jigsaw'], dataRoot });
      expect(launched.created.map((run) => run.cellId)).toEqual(['random-s0', 'jigsaw-s0', 'random-s1', 'jigsaw-s1', 'transfer-random-s0', 'transfer-random-s1']);
      await expect(api.user.studies.launch({ scale: 'smoke', only: ['jigsaw'], dataRoot })).rejects.toThrow(/none of the rows jigsaw is a row of the smoke scale/);
      await expect(api.user.studies.launch({ scale: 'huge' as 'smoke' })).rejects.toThrow();
      await expect(api.user.studies.launch({ scale: 'smoke', seeds: 0 })).rejects.toThrow();
      await expect(api.user.studies.launch({ scale: 'smoke', only: ['nope' as 'random'] })).rejects.toThrow();
      const outsider = await api.newUser('Out', { projects: ['other'] });
      await expect(outsider.caller.studies.launch({ ...input(), projectSlug: 'default' })).rejects.toThrow(/not a member of project default/);
      expect(await api.db.run.count()).toBe(6);
    });

    it('refuses a data root outside KTLAB_DATASET_ROOTS at dataRoot, and creates nothing', async () => {
      vi.stubEnv('KTLAB_DATASET_ROOTS', join(base, 'shared'));
      await expect(api.user.studies.launch(input())).resolves.toMatchObject({ created: expect.any(Array) });
      const outside = join(base, 'outside');
      for (const split of ['train', 'test']) mkdirSync(join(outside, split), { recursive: true });
      const error = await api.user.studies.launch({ scale: 'smoke', dataRoot: outside }).then(
        () => undefined,
        (e: { code?: string; message: string; cause?: unknown }) => e,
      );
      expect(error?.code).toBe('BAD_REQUEST');
      expect(error?.message).toMatch(new RegExp(`^data root ${outside}: `));
      expect(error?.cause instanceof ZodError ? error.cause.issues.map((issue) => issue.path.join('.')) : []).toEqual(['dataRoot']);
      expect(await api.db.run.count({ where: { tags: { has: `cfg:${configHash(planStudy({ scale: SCALES.smoke, dataRoot: outside }).cells[0]!.config)}` } } })).toBe(0);
    });
  });
});
