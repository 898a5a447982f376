/**
 * Stage 6: what transferred, scored on labelled images (trained on `evaluation.train`, top-1 on
 * `evaluation.test`). The protocols come from the evaluation registry (eval/eval-protocols.ts): frozen-feature
 * protocols (linear probe, kNN) per conv layer from one forward pass per split that serves every layer; trained
 * protocols (nonlinear: conv1…convk frozen, the rest retrained; finetune: the whole net; detection and
 * segmentation: a dense head on scenes made from the evaluation images, trunk frozen or fine-tuned) one training
 * run each, a row per metric.
 * Each (protocol, layer) cell is saved as it finishes, so a stopped evaluation resumes where it was.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { EVAL_PROTOCOL_INFO } from '@ktlab/config';
import { shuffleIndices, splitIndices, subsetDataset, type ImageDataset } from '@ktlab/data';
import { loadModel } from '@ktlab/models';
import { throttle, throwIfAborted, type EvalResult, type PipelineContext } from '../context';
import { describeRef, openRunDataset } from '../datasets';
import { EvalCells } from '../eval/eval-cells';
import { EVAL_PROTOCOL_REGISTRY, evalProtocol, protocolLayers, protocolOfKind, type EvalProtocol } from '../eval/eval-protocols';
import { frozenFeatures } from '../eval/frozen-features';
import { TRAINED_SUBSET_SEED_OFFSET } from '../eval/train-and-score';
import type { StageCheckpoints } from '../io/checkpoints';
import type { TargetOutputs } from './target.stage';

export { PROBE_MAX_DIMS } from '../eval/frozen-features';

interface EvaluationSets {
  train: ImageDataset;
  test: ImageDataset;
  numClasses: number;
  /** How the results name the test set. */
  name: string;
}

/**
 * Opens and checks the evaluation images (labels, matching classes) — called before training, so a run whose
 * evaluation cannot work fails in seconds rather than after its networks trained. The datasets stay opened for the run.
 */
export async function checkEvaluationSets(context: PipelineContext): Promise<void> {
  await evaluationSets(context);
}

async function evaluationSets(context: PipelineContext): Promise<EvaluationSets> {
  const { config } = context;
  const open = (ref: typeof config.data) => openRunDataset(context, ref, config.imageSize);
  const trainRef = config.evaluation.train ?? config.data;
  const train = await open(trainRef);
  if (!train.labels || !train.classes) {
    throw new Error(
      `evaluation needs labelled images: ${describeRef(trainRef)} has no class folders (<folder>/<class>/*.jpg); name labelled ones in evaluation.train and evaluation.test ` +
        '(e.g. --set evaluation.train.path=<folder> --set evaluation.test.path=<folder>)',
    );
  }
  const numClasses = train.classes.length;
  if (config.evaluation.test) {
    const test = await open(config.evaluation.test);
    if (!test.labels) throw new Error(`evaluation.test ${describeRef(config.evaluation.test)} has no labels`);
    if (JSON.stringify(test.classes) !== JSON.stringify(train.classes)) throw new Error('evaluation.train and evaluation.test have different classes');
    return { train, test, numClasses, name: describeRef(config.evaluation.test) };
  }
  const [trainRows, testRows] = splitIndices(train.count, [0.8, 0.2], config.seed + 31);
  return { train: subsetDataset(train, trainRows), test: subsetDataset(train, testRows), numClasses, name: `${describeRef(trainRef)} (held-out 20%)` };
}

/**
 * The images the trained protocols learn from (nonlinear, finetune; detection and segmentation make their training
 * scenes from them): all of the evaluation training set, or `trainLimit` of them.
 */
function trainedProtocolsSet(context: PipelineContext, train: ImageDataset): ImageDataset {
  const limit = context.config.evaluation.trainLimit;
  if (limit === undefined || limit >= train.count) return train;
  return subsetDataset(train, Int32Array.from(shuffleIndices(train.count, context.config.seed + TRAINED_SUBSET_SEED_OFFSET).subarray(0, limit)).sort());
}

interface Cell {
  protocol: EvalResult['protocol'];
  layer: string;
}

/**
 * The (protocol, layer) cells of a run's evaluation, in one order whatever was restored: frozen-feature cells by
 * layer (protocols in registry order within a layer), then trained cells by protocol and layer.
 */
export function evaluationCells(evaluation: PipelineContext['config']['evaluation']): { frozen: Cell[]; trained: Cell[] } {
  const chosen = (Object.keys(EVAL_PROTOCOL_REGISTRY) as EvalResult['protocol'][]).filter((name) => evaluation.protocols.includes(name)).map(evalProtocol);
  const ofKind = (kind: EvalProtocol['kind']) => chosen.filter((protocol) => protocol.kind === kind);
  const frozen = ofKind('frozen-features');
  return {
    frozen: evaluation.layers.flatMap((layer) => frozen.filter((protocol) => protocolLayers(protocol.name, evaluation).includes(layer)).map((protocol) => ({ protocol: protocol.name, layer }))),
    trained: ofKind('trained').flatMap((protocol) => protocolLayers(protocol.name, evaluation).map((layer) => ({ protocol: protocol.name, layer }))),
  };
}

export async function evaluateStage(context: PipelineContext, checkpoints: StageCheckpoints, target: TargetOutputs): Promise<{ results: EvalResult[] }> {
  const { config } = context;
  const cfg = config.evaluation;
  const sets = await evaluationSets(context);
  const cells = new EvalCells(context.runDir);
  const { frozen: frozenCells, trained: trainedCells } = evaluationCells(cfg);
  // Progress: frozen-feature cells are cheap next to a training run; weigh a trained cell as 4 of them.
  const total = frozenCells.length + 4 * trainedCells.length;
  let doneWeight = 0;
  /** Saves a cell's scores, one row per metric of its protocol, in the protocol's metric order. */
  const record = async (cell: Cell, values: Record<string, number>): Promise<EvalResult[]> => {
    const metrics = EVAL_PROTOCOL_INFO[cell.protocol].metrics;
    const missing = metrics.filter((metric) => !(metric in values));
    if (missing.length) throw new Error(`eval ${cell.protocol} ${cell.layer}: no ${missing.join(', ')} in its scores`);
    const rows = metrics.map((metric) => ({ ...cell, dataset: sets.name, metric, value: values[metric] }));
    cells.save(rows);
    for (const row of rows) await context.metric(`eval/${cell.protocol}/${cell.layer}/${row.metric}`, 0, row.value);
    return rows;
  };
  const restored = (cell: Cell): boolean => {
    const saved = cells.get(cell.protocol, cell.layer);
    if (saved) context.log(`eval ${cell.protocol} ${cell.layer}: ${describeScores(saved)} (restored)`);
    return saved !== undefined;
  };

  const trained = await loadModel(join(context.runDir, target.modelDir));
  try {
    const missing = frozenCells.filter((cell) => !restored(cell));
    doneWeight += frozenCells.length - missing.length;
    if (missing.length > 0) await frozenFeatureCells(context, trained, sets, missing, record, () => (doneWeight += 1) / total);
    const trainedData = { ...sets, train: trainedProtocolsSet(context, sets.train) };
    for (const cell of trainedCells) {
      throwIfAborted(context.signal);
      const from = doneWeight / total;
      doneWeight += 4;
      if (restored(cell)) continue;
      const run = {
        checkpointDir: join(context.runDir, 'eval', `${cell.protocol}-${cell.layer}`, 'checkpoint'),
        progress: { from, to: doneWeight / total, label: `${cell.protocol} ${cell.layer}` },
      };
      await context.stage('eval', 'running', from, `${cell.protocol} ${cell.layer}: training on ${trainedData.train.count} images`);
      const rows = await record(cell, await protocolOfKind(cell.protocol, 'trained').train(context, trained, cell.layer, trainedData, run));
      // The cell's result is saved; its training checkpoint is no longer needed.
      rmSync(join(context.runDir, 'eval', `${cell.protocol}-${cell.layer}`), { recursive: true, force: true });
      context.log(`eval ${cell.protocol} ${cell.layer}: ${describeScores(rows)}`);
    }
  } finally {
    trained.dispose();
  }
  // One order whatever was restored: linear/kNN by layer, then nonlinear by layer, finetune, detection, segmentation.
  const results = [...frozenCells, ...trainedCells].flatMap((cell) => {
    const result = cells.get(cell.protocol, cell.layer);
    if (!result) throw new Error(`eval: the result of ${cell.protocol} ${cell.layer} is missing from ${join(context.runDir, 'eval', 'results')}`);
    return result;
  });
  checkpoints.complete('eval', { results });
  return { results };
}

/** `top1 46.9%` or `map50 12.0%, map 4.1%`: a cell's rows for the log. */
function describeScores(rows: readonly EvalResult[]): string {
  return rows.length === 1 && rows[0].metric === 'top1' ? `${(rows[0].value * 100).toFixed(1)}%` : rows.map((r) => `${r.metric} ${(r.value * 100).toFixed(1)}%`).join(', ');
}

/** Linear probe and kNN for the missing cells, from one multi-layer forward pass per split. */
async function frozenFeatureCells(
  context: PipelineContext,
  trained: tf.LayersModel,
  sets: EvaluationSets,
  cells: Cell[],
  record: (cell: Cell, values: Record<string, number>) => Promise<unknown>,
  cellDone: () => number,
): Promise<void> {
  const layers = [...new Set(cells.map((cell) => cell.layer))];
  const report = throttle(1000, (label: string, done: number, count: number) => context.stage('eval', 'running', 0, `${label} features: ${done}/${count} images`));
  const extract = (data: ImageDataset, label: string) =>
    frozenFeatures(trained, layers, data, (done) => {
      throwIfAborted(context.signal);
      report(label, done, data.count);
    });
  await context.stage('eval', 'running', 0, `extracting ${layers.join(', ')} features`);
  const trainFeatures = await extract(sets.train, 'train');
  const testFeatures = await extract(sets.test, 'test');
  for (const layer of layers) {
    const train = trainFeatures.get(layer);
    const test = testFeatures.get(layer);
    if (!train || !test) throw new Error(`eval: no ${layer} features were extracted`);
    for (const cell of cells.filter((c) => c.layer === layer)) {
      throwIfAborted(context.signal);
      const protocol = protocolOfKind(cell.protocol, 'frozen-features');
      await context.stage('eval', 'running', cellDone(), `${layer}: ${protocol.describe(train.dims)}`);
      await record(cell, { top1: await protocol.score(context, layer, train, test, sets.numClasses) });
    }
    context.log(`eval ${layer}: ${cells.filter((c) => c.layer === layer).map((c) => c.protocol).join(', ')} done`);
  }
}
