/**
 * `npm run study -- --scale <s> --cross-check nonlinear-budget`: does the nonlinear protocol's training budget, or
 * the frozen features, hold its scores below the linear probe's? Takes the first finished Random cell that kept its
 * trained network here, and for each nonlinear layer trains the protocol's layers on cached frozen features
 * (libs/pipeline nonlinear-budget.ts) at the protocol's budget and at larger ones; writes
 * `<report>/cross-checks/nonlinear-budget.json`, which the report shows under the anchors.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { cacheDir } from '@ktlab/config/paths';
import { loadModel } from '@ktlab/models';
import { nonlinearBudgets, openDataset, type NonlinearBudget, type PipelineContext } from '@ktlab/pipeline';
import { configHash, type StudyPlan } from '@ktlab/study';
import { selectBackend, vectorIsaLabel } from '@ktlab/tf-backend';
import { readCellResult } from '../cell-files';
import { NONLINEAR_BUDGET_FILE, type NonlinearBudgetCheck } from '../report/cross-checks';

/** How many times the protocol's epochs the largest budget trains, on the deepest nonlinear layer (the cheapest to train). */
export const LONGEST_BUDGET_FACTOR = 3;

/** The budgets measured per layer: the protocol's, all evaluation images, and (deepest layer) all images for longer. */
export function budgetsFor(layer: string, layers: readonly string[], protocol: NonlinearBudget, allImages: number): NonlinearBudget[] {
  const budgets = [protocol, { images: allImages, epochs: protocol.epochs }];
  if (layer === layers.at(-1)) budgets.push({ images: allImages, epochs: protocol.epochs * LONGEST_BUDGET_FACTOR });
  return budgets.filter((budget, i) => budgets.findIndex((other) => other.images === budget.images && other.epochs === budget.epochs) === i);
}

export async function runNonlinearBudget(plan: StudyPlan, studyDir: string, outDir: string): Promise<string> {
  const cell = plan.cells.find((candidate) => {
    if (candidate.group !== 'main' || candidate.row !== 'random') return false;
    const dir = join(studyDir, candidate.id);
    return readCellResult(dir)?.configHash === configHash(candidate.config) && existsSync(join(dir, 'target', 'model', 'model.json'));
  });
  if (!cell) {
    throw new Error(`--cross-check nonlinear-budget: no finished Random cell with its trained network in ${studyDir} (run \`npm run study -- --scale ${plan.scale.name} --only random --groups main\` here first)`);
  }
  const result = readCellResult(join(studyDir, cell.id))!;
  const { config } = cell;
  const evaluation = config.evaluation;
  const backend = await selectBackend({}, pino({ level: 'silent' }));
  const open = (ref: typeof config.data) => openDataset(ref, { size: config.imageSize, seed: config.seed, cacheDir: cacheDir() });
  const train = await open(evaluation.train ?? config.data);
  if (!evaluation.test) throw new Error('--cross-check nonlinear-budget: the Random cells name no evaluation.test images');
  const test = await open(evaluation.test);
  if (!train.classes) throw new Error('--cross-check nonlinear-budget: the evaluation images have no classes');
  const trained = await loadModel(join(studyDir, cell.id, 'target', 'model'));
  const context: PipelineContext = {
    config,
    runDir: join(studyDir, cell.id),
    signal: new AbortController().signal,
    metric: () => undefined,
    stage: () => undefined,
    log: (line) => console.log(line),
  };
  const started = performance.now();
  const layers = evaluation.nonlinearLayers ?? evaluation.layers;
  const protocol = { images: Math.min(evaluation.trainLimit ?? train.count, train.count), epochs: evaluation.trainEpochs };
  const scoreOf = (protocolName: string, layer: string) => result.results.find((r) => r.protocol === protocolName && r.layer === layer && r.metric === 'top1')?.value;
  const check: NonlinearBudgetCheck = {
    cell: cell.id,
    images: { train: train.count, test: test.count },
    protocol: { ...protocol, augment: evaluation.augment ?? null },
    machine: { cpuModel: cpus()[0]?.model.trim() ?? 'unknown', isa: vectorIsaLabel(), cores: cpus().length, backend: `${backend.name} (${backend.kind})`, threads: backend.threads },
    layers: [],
    wallSeconds: 0,
  };
  try {
    for (const layer of layers) {
      const run = await nonlinearBudgets(context, trained, layer, { train, test, numClasses: train.classes.length }, budgetsFor(layer, layers, protocol, train.count));
      check.layers.push({ ...run, linear: scoreOf('linear', layer) ?? null, nonlinearAsRun: scoreOf('nonlinear', layer) ?? null });
    }
  } finally {
    trained.dispose();
  }
  check.wallSeconds = Math.round((performance.now() - started) / 1000);
  const outFile = join(outDir, NONLINEAR_BUDGET_FILE);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(check, null, 2)}\n`);
  return outFile;
}
