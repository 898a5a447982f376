/** docs/results/README.md: the setup, measured wall times, the tables, the ordering checks and a templated reading. */
import { ALPHA, type AnchorCheck, type CellResult, type OrderingCheck, SIGNIFICANCE_RULE, type StudyPlan, type Summary, type Table, tableMarkdown, welchTest } from '@ktlab/study';
import { formatDuration } from '../eta';
import { nonlinearBudgetSection, type NonlinearBudgetCheck, randomLinearSection, type RandomLinearCrossCheck } from './cross-checks';
import type { StudyResults } from './load-results';

export interface ReadmeInput {
  plan: StudyPlan;
  results: StudyResults;
  tables: Table[];
  checks: OrderingCheck[];
  anchors: AnchorCheck[];
  plots: { file: string; caption: string }[];
  generatedAt: Date;
  /** Classes of the evaluation data set, for the chance level; unknown when the folder is not readable. */
  classes?: number;
  /** The Random row measured again in PyTorch, when `--cross-check random-linear` has run for this report. */
  randomLinear?: RandomLinearCrossCheck;
  /** The nonlinear protocol at larger budgets, when `--cross-check nonlinear-budget` has run for this report. */
  nonlinearBudget?: NonlinearBudgetCheck;
}

/** A table whose best mean stays this close to chance cannot rank methods. */
export const NEAR_CHANCE_POINTS = 0.1;

const TRANSFER_TABLE_ID = 'table3-transfer';

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function range(values: number[]): string {
  if (!values.length) return '—';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? low.toFixed(2) : `${low.toFixed(2)}–${high.toFixed(2)}`;
}

/** Which ktlab commits computed the cells (older cells did not record it). */
function commitsLine(cells: readonly CellResult[]): string {
  const counts = new Map<string, number>();
  for (const cell of cells) counts.set(cell.commit ?? 'not recorded', (counts.get(cell.commit ?? 'not recorded') ?? 0) + 1);
  if (!counts.size) return '—';
  return [...counts].map(([commit, n]) => `${commit === 'not recorded' ? commit : `\`${commit}\``} (${n} cell${n === 1 ? '' : 's'})`).join(', ');
}

function setupSection(plan: StudyPlan, results: StudyResults): string[] {
  const { scale } = plan;
  const cells = results.cells;
  const machines = cells.map((cell) => cell.machine);
  const images = cells[0]?.images ?? { train: scale.trainImages, evalTrain: scale.evalTrainImages, test: scale.testImages };
  const seeds = unique(cells.map((cell) => cell.seed)).sort((a, b) => a - b);
  const reusedPretext = cells.filter((cell) => cell.reused.some((entry) => entry.startsWith('pretext from'))).length;
  const reusedNetworks = cells.filter((cell) => cell.reused.some((entry) => entry.startsWith('networks from'))).length;
  return [
    '## Setup',
    '',
    `- **Scale**: \`${scale.name}\` — ${scale.description}`,
    `- **Data**: CIFAR-10 at \`${plan.dataRoot}\`. ${images.train.toLocaleString('en')} train-split images without labels for pretext, clustering, pseudo-labels and the target network (the Supervised row uses their labels); the evaluation heads train on ${images.evalTrain.toLocaleString('en')} labelled train-split images and are scored on ${images.test.toLocaleString('en')} test-split images.`,
    `- **Pretext**: ${scale.pretext.epochs} epoch(s), ${scale.pretext.imageSize}px puzzles, width × ${scale.pretext.widthMultiplier}, batch ${scale.pretext.batchSize}` +
      (scale.pretext.permutations ? `, ${scale.pretext.permutations} permutations` : '') +
      Object.entries(scale.pretextByTask ?? {})
        .map(([task, settings]) => {
          const curriculum = settings.permutationCurriculum;
          const schedule = curriculum
            ? ` (the first ${curriculum.puzzles.toLocaleString('en')} puzzles from ${curriculum.permutations} of them${curriculum.rampPuzzles ? `, then a pool growing to all over ${curriculum.rampPuzzles.toLocaleString('en')}` : ''})`
            : '';
          return `; ${task === 'jigsaw++' ? 'Jigsaw++' : 'Jigsaw'}: ${settings.permutations ?? scale.pretext.permutations} permutations${schedule}`;
        })
        .join('') +
      '.',
    `- **Clustering / target**: k = ${scale.clustering.k} (${scale.clustering.iterations} k-means iterations); AlexNet-style target, ${scale.target.epochs} epoch(s), width × ${scale.target.widthMultiplier}.`,
    `- **Evaluation**: ${scale.evaluation.protocols.join(', ')}; linear probes ${scale.evaluation.epochs} epochs; nonlinear and fine-tuning ${scale.evaluation.trainEpochs} epoch(s) on ${scale.evaluation.trainLimit.toLocaleString('en')} images.`,
    `- **Ablations**: number of clusters k ∈ {${scale.clusterCounts.join(', ')}}${scale.domainAblation ? '; cluster domain (half A / half B of the train split, test images)' : ''}.`,
    `- **Seeds**: ${seeds.length ? seeds.join(', ') : '—'} (planned ${plan.cells.length} cells; finished ${cells.length}${results.missing.length ? `; missing ${results.missing.join(', ')}` : ''}${results.stale.length ? `; left out because their config changed since they ran: ${results.stale.join(', ')}` : ''}).`,
    `- **Hardware**: ${unique(machines.map((m) => `${m.cpuModel}${m.isa ? ` (${m.isa})` : ''}, ${m.cores} cores`)).join('; ') || '—'}; 1-minute load average when cells started: ${range(machines.map((m) => m.loadAverage))} (other work on the machine slows the cells).`,
    `- **Backend**: ${unique(machines.map((m) => `${m.backend}${m.threads ? `, ${m.threads} threads` : ''}`)).join('; ') || '—'}; ran ${unique(machines.map((m) => m.where)).join(', ') || '—'}.`,
    `- **Code**: ${commitsLine(cells)}.`,
    `- **Shared work**: ${reusedPretext} cell(s) reused the pretext network of a cell with the identical seed, training images and pretext settings (e.g. Jigsaw++ and CC+Jigsaw++ of one seed) instead of training it again${reusedNetworks ? `, and ${reusedNetworks} transfer cell(s) evaluated the networks their main cell trained` : ''}; their wall time excludes it.`,
    '',
  ];
}

function wallTimeSection(cells: readonly CellResult[]): string[] {
  const groups = new Map<string, CellResult[]>();
  for (const cell of cells) {
    const key =
      cell.group === 'main' ? cell.rowName
      : cell.group === 'transfer' ? 'Table 3: detection and segmentation'
      : cell.group === 'clusters' ? 'Ablation: number of clusters'
      : 'Ablation: cluster domain';
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  const cpu = (group: readonly CellResult[], per: 'cell' | 'total') => {
    const measured = group.filter((cell) => cell.cpuSeconds !== undefined);
    if (!measured.length) return '—';
    const total = measured.reduce((sum, cell) => sum + cell.cpuSeconds!, 0);
    return formatDuration(per === 'total' ? total : total / measured.length);
  };
  const lines = [
    '## Wall time (measured)',
    '',
    'Wall time is what each cell took on this machine, load included; CPU time (user + system, all threads of the process) is its cost independent of other load. A study\'s first cell also pays the one-time decode of the image folders into the cache.',
    '',
    '| Row | cells | wall total | wall per cell (mean) | CPU per cell (mean) | CPU total |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [key, group] of groups) {
    const total = group.reduce((sum, cell) => sum + cell.wallSeconds, 0);
    lines.push(`| ${key} | ${group.length} | ${formatDuration(total)} | ${formatDuration(total / group.length)} | ${cpu(group, 'cell')} | ${cpu(group, 'total')} |`);
  }
  const total = cells.reduce((sum, cell) => sum + cell.wallSeconds, 0);
  lines.push(`| **Total** | ${cells.length} | **${formatDuration(total)}** | ${cells.length ? formatDuration(total / cells.length) : '—'} | ${cpu(cells, 'cell')} | **${cpu(cells, 'total')}** |`, '');
  return lines;
}

function stageTimeSection(cells: readonly CellResult[]): string[] {
  const stages = ['pretext', 'features', 'kmeans', 'pseudo-labels', 'cluster-classification', 'eval'];
  const rows = stages.flatMap((stage) => {
    const measured = cells.map((cell) => cell.stageSeconds[stage]).filter((value): value is number => value !== undefined);
    if (!measured.length) return [];
    const total = measured.reduce((sum, value) => sum + value, 0);
    return [`| ${stage} | ${measured.length} | ${formatDuration(total / measured.length)} | ${formatDuration(total)} |`];
  });
  if (!rows.length) return [];
  return ['### Wall time per stage', '', 'Over the cells that ran the stage (stages restored from a checkpoint or reused from another cell are not counted).', '', '| Stage | cells | mean | total |', '| --- | --- | --- | --- |', ...rows, ''];
}

/** Did each cell's pretext learn? Its held-out puzzle top-1 against chance (scales that hold images out). */
export function pretextSection(cells: readonly CellResult[]): string[] {
  const measured = cells.filter((cell) => cell.pretextHeldOut?.curve.length);
  if (!measured.length) return [];
  const rows = measured.map((cell) => {
    const { permutations, curve } = cell.pretextHeldOut!;
    const chance = 1 / permutations;
    const points = curve.map((point) => `${(point.puzzles / 1000).toFixed(0)}k: ${pct(point.top1)}`).join(', ');
    const final = curve.at(-1)!.top1;
    return `| ${cell.id} | ${permutations} | ${pct(chance)} | ${points} | ${(final / chance).toFixed(1)}× |`;
  });
  return [
    '## Did the pretext learn?',
    '',
    'Top-1 on one fixed puzzle per held-out image (images the pretext never trained on), as it trained; chance is 1 / permutations. Cells that reused another cell\'s pretext network show under that cell.',
    '',
    '| Cell | permutations | chance | held-out top-1 (puzzles trained) | final ÷ chance |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}

function anchorsSection(anchors: readonly AnchorCheck[]): string[] {
  const count = (outcome: string) => anchors.filter((anchor) => anchor.outcome === outcome).length;
  return [
    '## Sanity anchors',
    '',
    'Numbers the protocols and baselines must reach before the orderings below mean anything; a failed anchor is reported, not hidden.',
    '',
    `${count('met')} met, ${count('failed')} failed, ${count('pending')} pending.`,
    '',
    '| Anchor | Outcome | Numbers |',
    '| --- | --- | --- |',
    ...anchors.map((anchor) => `| ${anchor.anchor} | **${anchor.outcome}** | ${anchor.detail} |`),
    '',
  ];
}

/** Planned cells without a result, with their cost estimated from the finished cells of the same row (CPU time). */
export function pendingSection(plan: StudyPlan, results: StudyResults): string[] {
  const missing = plan.cells.filter((cell) => results.missing.includes(cell.id) || results.stale.includes(cell.id));
  if (!missing.length) return [];
  const cpuOf = (cells: readonly CellResult[]) => {
    const measured = cells.filter((cell) => cell.cpuSeconds !== undefined);
    return measured.length ? measured.reduce((sum, cell) => sum + cell.cpuSeconds!, 0) / measured.length : undefined;
  };
  const overall = cpuOf(results.cells);
  const spent = results.cells.reduce((sum, cell) => sum + (cell.cpuSeconds ?? 0), 0);
  let total = 0;
  let unknown = 0;
  const rows = missing.map((cell) => {
    const sameRow = cpuOf(results.cells.filter((done) => done.row === cell.row && done.group === cell.group));
    const estimate = sameRow ?? overall;
    if (estimate === undefined) unknown++;
    else total += estimate;
    return `| ${cell.id} | ${cell.rowName}${cell.k ? ` k=${cell.k}` : ''}${cell.domain ? ` ${cell.domain}` : ''} | ${estimate === undefined ? '—' : `${formatDuration(estimate)}${sameRow === undefined ? ' (all-cell mean)' : ''}`} |`;
  });
  return [
    '## Pending cells',
    '',
    `${missing.length} of ${plan.cells.length} planned cells have no result yet. Estimated CPU time from the finished cells of the same row (else the mean of all finished cells): ${formatDuration(total)}${unknown ? ` plus ${unknown} cell(s) with no estimate` : ''}; on 2 cores at ~1.7 busy threads that is about ${formatDuration(total / 1.7)} of wall time.`,
    ...(spent > 0 ? ['', `The whole study so far: ${formatDuration(spent)} of CPU time measured in the finished cells + ${formatDuration(total)} estimated for the pending ones = about ${formatDuration(spent + total)}.`] : []),
    '',
    '| Cell | Row | CPU estimate |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ];
}

function checksSection(checks: readonly OrderingCheck[]): string[] {
  const count = (outcome: string) => checks.filter((check) => check.outcome === outcome).length;
  return [
    '## Which orderings held',
    '',
    `Rule: ${SIGNIFICANCE_RULE}`,
    '',
    `Of ${checks.length} checks: ${count('held')} held, ${count('did not hold')} did not hold, ${count('not significant')} not significant${count('not measured') ? `, ${count('not measured')} not measured` : ''}.`,
    '',
    '| Claim | Paper | Outcome | Numbers |',
    '| --- | --- | --- | --- |',
    ...checks.map((check) => `| ${check.claim} | ${check.source} | **${check.outcome}** | ${check.detail} |`),
    '',
  ];
}

/** Plain-language sentences, templated from the tables (nothing here is typed by hand). */
export function readingSection(tables: readonly Table[], checks: readonly OrderingCheck[], classes?: number): string[] {
  const lines = ['## Reading', ''];
  if (classes && classes > 1) {
    const chance = 1 / classes;
    // Top-1 has a chance level; mAP and mean IoU (the transfer table) have none comparable.
    for (const table of tables.filter((t) => t.id !== TRANSFER_TABLE_ID)) {
      const means = table.cells.flat().filter((summary): summary is Summary => summary !== undefined).map((summary) => summary.mean);
      if (!means.length) continue;
      const best = Math.max(...means);
      if (best < chance + NEAR_CHANCE_POINTS) {
        lines.push(
          `- ${table.title}: every mean (best ${pct(best)}) lies within ${Math.round(NEAR_CHANCE_POINTS * 100)} points of chance (${pct(chance)} for ${classes} classes), so at this scale this protocol barely trains and cannot rank the methods.`,
        );
      }
    }
  }
  const linear = tables.find((table) => table.id === 'table4-linear');
  if (linear) {
    for (const [c, column] of linear.columns.entries()) {
      const ranked = linear.rows
        .map((row, r) => ({ row, summary: linear.cells[r]![c] }))
        .filter((entry) => entry.summary && !entry.row.reference)
        .sort((a, b) => b.summary!.mean - a.summary!.mean);
      if (!ranked.length) continue;
      const top = ranked[0]!;
      const bottom = ranked[ranked.length - 1]!;
      const reference = linear.rows.findIndex((row) => row.reference);
      const upper = reference >= 0 ? linear.cells[reference]![c] : undefined;
      lines.push(`- Linear probe on ${column}: highest ${top.row.label} (${pct(top.summary!.mean)}), lowest ${bottom.row.label} (${pct(bottom.summary!.mean)})${upper ? `; the Supervised reference reaches ${pct(upper.mean)}` : ''}.`);
    }
  }
  const clusters = tables.find((table) => table.id === 'table1-clusters');
  if (clusters) {
    const best = clusters.rows.map((row, r) => ({ row, top: Math.max(...clusters.cells[r]!.map((s) => s?.mean ?? -Infinity)) })).sort((a, b) => b.top - a.top)[0];
    if (best) lines.push(`- Number of clusters: the best linear accuracy of any layer is reached with ${best.row.label} (${pct(best.top)}).`);
  }
  const held = checks.filter((check) => check.outcome === 'held').map((check) => check.claim);
  const failed = checks.filter((check) => check.outcome === 'did not hold').map((check) => check.claim);
  if (held.length) lines.push(`- Held: ${held.join('; ')}.`);
  if (failed.length) lines.push(`- Did not hold: ${failed.join('; ')}.`);
  const unsure = checks.filter((check) => check.outcome === 'not significant').length;
  if (unsure) lines.push(`- ${unsure} claim(s) could not be decided at this scale (differences within seed-to-seed noise, or too few seeds).`);
  lines.push('');
  return lines;
}

/** Mean of a column for the row with this key, when the table has it. */
function columnMean(table: Table, rowKey: string, column: string): Summary | undefined {
  const r = table.rows.findIndex((row) => row.key === rowKey);
  const c = table.columns.indexOf(column);
  return r >= 0 && c >= 0 ? table.cells[r]![c] : undefined;
}

/**
 * The paper's headline for Table 3 is how much of the gap from no pre-training (Random) to ImageNet labels
 * (Supervised) knowledge transfer closes; the same fraction, from the transfer table's means, per column.
 */
function gapSentences(table: Table): string[] {
  const lines: string[] = [];
  for (const column of table.columns) {
    const random = columnMean(table, 'random', column);
    const supervised = columnMean(table, 'supervised', column);
    const transferred = columnMean(table, 'cc-jigsaw++', column);
    if (!random || !supervised || !transferred) continue;
    const low = Math.min(random.n, supervised.n, transferred.n);
    const high = Math.max(random.n, supervised.n, transferred.n);
    const numbers = `Random ${pct(random.mean)}, CC+Jigsaw++ ${pct(transferred.mean)}, Supervised ${pct(supervised.mean)} (n = ${low === high ? low : `${low}–${high}`} seeds)`;
    const gap = supervised.mean - random.mean;
    const { p } = welchTest(supervised, random);
    const points = `${(gap * 100).toFixed(1).replace(/^-0\.0$/, '0.0')}-point`;
    if (Number.isNaN(p)) {
      lines.push(`- ${column}: ${numbers} — too few seeds to tell whether Supervised is above Random, so no share of the gap is computed.`);
    } else if (gap <= 0 || p >= ALPHA) {
      lines.push(`- ${column}: ${numbers} — Supervised is not significantly above Random (${points} difference, Welch p = ${p.toFixed(3)}), so there is no gap to measure the transfer against.`);
    } else {
      const closed = (transferred.mean - random.mean) / gap;
      lines.push(`- ${column}: ${numbers} — CC+Jigsaw++ closes ${Math.round(closed * 100)}% of the ${points} gap from Random to Supervised (Welch p = ${p.toFixed(3)} for that gap).`);
    }
  }
  return lines;
}

/** What the scene benchmark stands for, and how far it can speak for PASCAL VOC (issue #22). */
export function transferSection(plan: StudyPlan, tables: readonly Table[]): string[] {
  const table = tables.find((t) => t.id === TRANSFER_TABLE_ID);
  const dense = plan.scale.evaluation.dense;
  if (!table || !dense) return [];
  const settings = plan.cells.find((cell) => cell.config.evaluation.dense)?.config.evaluation.dense;
  const canvas = settings?.canvasSize ?? 96;
  return [
    '## Detection and segmentation (Table 3 analog) — what it can say about PASCAL VOC',
    '',
    `The paper scores transfer to PASCAL VOC 2007 detection (Fast R-CNN) and VOC 2012 segmentation (FCN). VOC cannot be downloaded here, so the headline rows (${dense.rows.map((row) => table.rows.find((r) => r.key === row)?.label ?? row).join(', ')}) are scored on scenes made from the evaluation images (libs/scenes): ${canvas}×${canvas} canvases with 2–4 CIFAR-10 images pasted on a background cut from another image, ${(settings?.trainScenes ?? 0).toLocaleString('en')} training scenes from the labelled training images and ${(settings?.testScenes ?? 0).toLocaleString('en')} test scenes from the test split, ${settings?.epochs ?? plan.scale.evaluation.trainEpochs} epoch(s) per head. Detection is a CenterNet-style heat-map + size head on conv5 (COCO mAP@0.5 and @[.5:.95]); segmentation an FCN-32s-style 1×1 classifier on conv5, upsampled (mean IoU over the classes + background). "frozen" trains only the head; the other columns fine-tune the whole net, as the paper does.`,
    '',
    ...gapSentences(table),
    '',
    'What the analog can say: whether a method\'s conv features locate and label objects among others better than random features, and how much of the Random → Supervised gap a method closes, compared under identical heads, scenes and budgets. ' +
      'What it cannot say: VOC numbers. Its objects are whole 32×32 images (their own backgrounds included, so masks are the pasted rectangles and boundaries are straight), ' +
      `upscaled to a narrow range of sizes (a quarter to half the canvas) on ${canvas}-pixel scenes, where VOC has 20 classes at every scale in cluttered 500-pixel photographs with real occlusion and context; ` +
      `the heads are one-layer heads on conv5 rather than Fast R-CNN with region proposals or a full FCN, and the nets are width-${plan.scale.target.widthMultiplier} AlexNets trained on CIFAR-10 rather than ImageNet. ` +
      'Absolute mAP and IoU here are therefore not comparable with the paper\'s; only the ordering of methods and the share of the gap closed are.',
    '',
  ];
}

export function readmeMarkdown(input: ReadmeInput): string {
  const { plan, results, tables, checks, plots } = input;
  return [
    `# Reproduction study — \`${plan.scale.name}\` scale`,
    '',
    `Generated by \`npm run study -- --scale ${plan.scale.name}\` (tools/study) on ${input.generatedAt.toISOString()}. Every number and sentence below comes from the finished runs; regenerate instead of editing. Raw values: [results.csv](results.csv); tables alone: [tables.md](tables.md).`,
    '',
    ...setupSection(plan, results),
    ...wallTimeSection(results.cells),
    ...stageTimeSection(results.cells),
    ...pretextSection(results.cells),
    ...anchorsSection(input.anchors),
    ...randomLinearSection(results.cells, input.randomLinear),
    ...nonlinearBudgetSection(input.nonlinearBudget),
    '## Tables',
    '',
    ...tables.map(tableMarkdown),
    ...transferSection(plan, tables),
    '## Plots',
    '',
    ...plots.flatMap((plot) => [`![${plot.caption}](${plot.file})`, '', `*${plot.caption}*`, '']),
    ...checksSection(checks),
    ...readingSection(tables, checks, input.classes),
    ...pendingSection(plan, results),
  ].join('\n');
}
