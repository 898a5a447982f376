/**
 * `npm run study -- --scale quick|medium|full|smoke [--data <root>] [--seeds N] [--only <row,...>] [--groups main,…] [--portal <url>] [--out docs/results]`
 * Plans the reproduction study (the paper's rows × seeds + the clusters and cluster-domain ablations), runs it
 * locally (or on the portal), then writes the report (tables, plots, orderings) to --out.
 * `--publish <url>` instead publishes the cells that finished locally into the portal (and runs nothing).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { cacheDir, ktlabHome, repoRoot, sharedDir } from '@ktlab/config/paths';
import { planStudy, SCALE_NAMES, scaleByName } from '@ktlab/study';
import { CROSS_CHECKS, type CrossCheckName, runCrossCheck } from './cross-checks/run-cross-check';
import { runLocally } from './run-local';
import { signIn } from '@ktlab/publish';
import { publishStudy } from './publish-study';
import { runOnPortal } from './run-portal';
import { writeReport } from './report/write-report';
import { loadStudyResults } from './report/load-results';
import { planProbe } from './probe/probe-plan';
import { readAllProbeResults } from './probe/probe-result';
import { writeProbeReport } from './probe/probe-report';
import { runProbe } from './probe/run-probe';

const program = new Command('study')
  .description('Reproduce the paper\'s tables on CIFAR-10 and write docs/results')
  .option('--scale <name>', `one of ${SCALE_NAMES.join(', ')}, or probe (the pretext learning curves, docs/results/probe)`, 'smoke')
  .option('--data <root>', 'CIFAR-10 root with train/ and test/ class folders (default: $KTLAB_SHARED/datasets/cifar10)')
  .option('--seeds <n>', 'seeds per cell (default: the scale\'s)')
  .option('--only <rows>', 'comma-separated rows (preset ids), e.g. random,cc-jigsaw++; with --scale probe: cell ids')
  .option('--groups <groups>', 'comma-separated cell groups to run: main, transfer, clusters, domain (default: all)')
  .option('--portal <url>', 'launch the runs on this portal instead of locally, and wait for them')
  .option('--publish <url>', 'publish the cells that finished locally into this portal as succeeded runs tagged like --portal\'s (runs nothing; publishing again adds nothing)')
  .option('--email <email>', 'portal user (default: .ktlab/admin-credentials)')
  .option('--password <password>', 'portal password (default: .ktlab/admin-credentials; or $KTLAB_PASSWORD)')
  .option('--project <slug>', 'portal project (default: the user\'s default project)')
  .option('--out <folder>', 'where the report goes', 'docs/results')
  .option('--report-only', 'write the report from the finished cells without running anything', false)
  .option('--cross-check <name>', `run an independent re-measurement the report shows beside the cells (${CROSS_CHECKS.join(', ')}: the Random row's linear probe in PyTorch; the nonlinear protocol at larger training budgets), then write the report; runs no cell`)
  .option('--plan-only', 'print the planned cells and exit', false);

program.action(async (options: {
  scale: string;
  data?: string;
  seeds?: string;
  only?: string;
  groups?: string;
  portal?: string;
  publish?: string;
  email?: string;
  password?: string;
  project?: string;
  out: string;
  reportOnly: boolean;
  planOnly: boolean;
  crossCheck?: string;
}) => {
  const dataRoot = resolve(options.data ?? join(sharedDir(), 'datasets', 'cifar10'));
  const missing = ['train', 'test'].filter((split) => !existsSync(join(dataRoot, split)));
  if (missing.length && !options.reportOnly && !options.publish) {
    console.error(`study: ${dataRoot} has no ${missing.join('/ or ')}/ folder; pass --data <root> (a CIFAR-10 root with train/<class>/ and test/<class>/) or set KTLAB_SHARED`);
    process.exit(2);
  }
  if (options.scale === 'probe') {
    await probe(options, dataRoot);
    return;
  }
  const scale = scaleByName(options.scale);
  const plan = planStudy({
    scale,
    dataRoot,
    ...(options.seeds ? { seeds: Number(options.seeds) } : {}),
    ...(options.only ? { only: options.only.split(',').map((row) => row.trim()).filter(Boolean) } : {}),
    ...(options.groups ? { groups: options.groups.split(',').map((group) => group.trim()).filter(Boolean) } : {}),
  });
  const studyDir = join(ktlabHome(), 'study', scale.name);
  const outDir = resolve(repoRoot(), options.out, scale.reportSubdir);
  const cellsDir = join(outDir, 'cells');
  if (options.planOnly) {
    for (const cell of plan.cells) console.log(`${cell.id.padEnd(34)} ${cell.group.padEnd(9)} ${cell.rowName}${cell.k ? ` k=${cell.k}` : ''}${cell.domain ? ` ${cell.domain}` : ''}`);
    for (const [alias, cell] of Object.entries(plan.aliases)) console.log(`${alias.padEnd(34)} = ${cell}`);
    console.log(`${plan.cells.length} cells; projected ${scale.projectedMinutes || '?'} min on a 2-core CPU`);
    return;
  }
  if (options.publish) {
    if (options.portal) throw new Error('--publish and --portal exclude each other: --portal runs the cells on the portal, --publish sends cells that ran here');
    const session = await signIn({ portalUrl: options.publish, email: options.email, password: options.password ?? process.env.KTLAB_PASSWORD });
    console.log(`study ${scale.name}: signed in to ${options.publish} as ${session.email}; publishing the finished cells of ${studyDir}`);
    const summary = await publishStudy({ plan, studyDir, session, ...(options.project ? { projectSlug: options.project } : {}) });
    console.log(`published ${summary.published.length} (files sent: ${summary.files}), already published ${summary.alreadyPublished.length}, skipped ${summary.skipped.length}`);
    for (const skipped of summary.skipped) console.log(`  ${skipped.id}: ${skipped.reason}`);
    const study = new URL('/benchmarks', options.publish);
    study.searchParams.set('study', scale.name);
    console.log(`benchmark tables: ${study}`);
    process.exit(0);
  }
  if (options.crossCheck) {
    if (!(CROSS_CHECKS as readonly string[]).includes(options.crossCheck)) throw new Error(`--cross-check ${options.crossCheck}: unknown; known: ${CROSS_CHECKS.join(', ')}`);
    const written = await runCrossCheck(options.crossCheck as CrossCheckName, { plan, outDir, studyDir, threads: availableParallelism() });
    console.log(`cross-check: ${written}`);
  } else if (!options.reportOnly) {
    const controller = new AbortController();
    process.on('SIGINT', () => controller.abort('interrupted (run the same command again to resume)'));
    if (options.portal) {
      await runOnPortal({ plan, studyDir, portalUrl: options.portal, email: options.email, password: options.password ?? process.env.KTLAB_PASSWORD, projectSlug: options.project, signal: controller.signal });
    } else {
      const summary = await runLocally({ plan, studyDir, cellsDir, cacheDir: cacheDir(), signal: controller.signal, quiet: !process.stdout.isTTY });
      console.log(`ran ${summary.ran.length}, skipped ${summary.skipped.length} finished, failed ${summary.failed.length}`);
      for (const failure of summary.failed) console.log(`  ${failure.id}: ${failure.error}`);
      if (controller.signal.aborted) process.exit(130);
    }
  }
  const results = loadStudyResults(plan, studyDir, cellsDir);
  if (results.cells.length === 0) {
    // A machine without the cells (a fresh clone of a scale whose cells were never committed) would otherwise
    // overwrite the committed report with an empty one.
    console.error(`no finished ${scale.name} cells in ${studyDir} or ${cellsDir}: the report in ${join(options.out, scale.reportSubdir)} was left as it is`);
    process.exit(options.crossCheck ? 0 : 1);
  }
  const written = await writeReport({ plan, results, outDir });
  console.log(`report: ${written.map((file) => join(options.out, scale.reportSubdir, file)).join(', ')}`);
});

/** `--scale probe`: the pretext learning curves, resumable cell by cell, report in <out>/probe. */
async function probe(options: { only?: string; out: string; reportOnly: boolean; planOnly: boolean; portal?: string; publish?: string }, dataRoot: string) {
  if (options.portal || options.publish) throw new Error('--scale probe runs locally only (no --portal / --publish yet)');
  const cells = planProbe(dataRoot, options.only ? options.only.split(',').map((id) => id.trim()).filter(Boolean) : undefined);
  const outDir = resolve(repoRoot(), options.out, 'probe');
  const cellsDir = join(outDir, 'cells');
  if (options.planOnly) {
    for (const cell of cells) console.log(cell.id);
    console.log(`${cells.length} cells`);
    return;
  }
  const report = async () => {
    const written = await writeProbeReport(outDir, planProbe(dataRoot), readAllProbeResults(cellsDir));
    console.log(`report: ${written.map((file) => join(options.out, 'probe', file)).join(', ')}`);
  };
  if (!options.reportOnly) {
    const controller = new AbortController();
    process.on('SIGINT', () => controller.abort('interrupted (run the same command again to resume)'));
    const summary = await runProbe({
      cells,
      workDir: join(ktlabHome(), 'study', 'probe'),
      cellsDir,
      cacheDir: cacheDir(),
      signal: controller.signal,
      say: (line) => console.log(line),
      afterCell: report,
    });
    console.log(`ran ${summary.ran.length}, skipped ${summary.skipped.length} finished, failed ${summary.failed.length}`);
    if (controller.signal.aborted) process.exit(130);
  }
  await report();
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`study: ${(error as Error).message}`);
  process.exit(1);
}
// The TensorFlow.js backend's worker threads would keep the process alive after the report is written.
process.exit(0);
