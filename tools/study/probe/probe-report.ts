/**
 * docs/results/probe/: the pretext learning curves (README table, curves.png and its Vega-Lite spec) from the
 * committed cell files, with the cheapest grid point that clearly leaves chance and what is still pending.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderPng } from '../report/plots';
import { PROBE_DESIGN, type ProbeCell } from './probe-plan';
import type { ProbeResult } from './probe-result';

/** "Clearly leaves chance": held-out top-1 at least this many times 1 / permutations. */
export const LEAVES_CHANCE_FACTOR = 10;

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;

export function chanceOf(result: Pick<ProbeResult, 'permutations'>): number {
  return 1 / result.permutations;
}

/** Puzzles trained before the held-out top-1 first reached `factor` × chance, or undefined. */
export function puzzlesToLeaveChance(result: ProbeResult, factor = LEAVES_CHANCE_FACTOR): number | undefined {
  return result.curve.find((point) => point.top1 >= factor * chanceOf(result))?.puzzles;
}

export function finalTop1(result: ProbeResult): number | undefined {
  return result.curve.at(-1)?.top1;
}

/** Whether the curve reached `factor` × chance and ended below it (training undid what it had learnt). */
export function lostAfterLeavingChance(result: ProbeResult, factor = LEAVES_CHANCE_FACTOR): boolean {
  const final = finalTop1(result);
  return puzzlesToLeaveChance(result, factor) !== undefined && final !== undefined && final < factor * chanceOf(result);
}

/** The finished cell that reached 10× chance, and stayed there to the end, at the lowest cost (CPU seconds), if any did. */
export function cheapestLeavingChance(results: readonly ProbeResult[]): ProbeResult | undefined {
  return results
    .filter((result) => puzzlesToLeaveChance(result) !== undefined && !lostAfterLeavingChance(result))
    .sort((a, b) => a.cpuSeconds - b.cpuSeconds)[0];
}

const LAYERS = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'];

/**
 * Where a curve's tail repeats one value (at least 4 measurements, and at least half the curve): the net answers
 * the same permutation for every held-out puzzle (top-1 = that permutation's share of the held-out set), i.e.
 * training collapsed. Returns the puzzles trained when the flat tail began, else undefined.
 */
export function flatFrom(result: ProbeResult): number | undefined {
  const { curve } = result;
  if (!curve.length) return undefined;
  let start = curve.length - 1;
  while (start > 0 && curve[start - 1]!.top1 === curve.at(-1)!.top1) start--;
  const length = curve.length - start;
  return length >= 4 && length * 2 >= curve.length ? curve[start]!.puzzles : undefined;
}

const sameCurriculum = (a: ProbeResult, b: ProbeResult) =>
  a.curriculum?.permutations === b.curriculum?.permutations && a.curriculum?.puzzles === b.curriculum?.puzzles && a.curriculum?.rampPuzzles === b.curriculum?.rampPuzzles;

/** Cells that differ from another finished cell only in the learning rate, each with that reference cell. */
export function learningRatePairs(results: readonly ProbeResult[]): { cell: ProbeResult; reference: ProbeResult }[] {
  const same = (a: ProbeResult, b: ProbeResult) =>
    a.task === b.task && a.permutations === b.permutations && a.imageSize === b.imageSize && a.widthMultiplier === b.widthMultiplier && a.epochs === b.epochs && sameCurriculum(a, b);
  return results
    .filter((cell) => cell.learningRate !== PROBE_DESIGN.learningRate)
    .flatMap((cell) => {
      const reference = results.find((other) => other.learningRate === PROBE_DESIGN.learningRate && same(cell, other));
      return reference ? [{ cell, reference }] : [];
    });
}

/** Cells that ran more epochs than the design and otherwise equal a finished design-length cell, each with that cell. */
export function epochPairs(results: readonly ProbeResult[]): { cell: ProbeResult; reference: ProbeResult }[] {
  const same = (a: ProbeResult, b: ProbeResult) =>
    a.task === b.task && a.permutations === b.permutations && a.imageSize === b.imageSize && a.widthMultiplier === b.widthMultiplier && a.learningRate === b.learningRate && sameCurriculum(a, b);
  return results
    .filter((cell) => cell.epochs !== PROBE_DESIGN.epochs)
    .flatMap((cell) => {
      const reference = results.find((other) => other.epochs === PROBE_DESIGN.epochs && same(cell, other));
      return reference ? [{ cell, reference }] : [];
    });
}

function epochLines(results: readonly ProbeResult[]): string[] {
  return epochPairs(results).map(({ cell, reference }) => {
    const at = (result: ProbeResult, puzzles: number) => result.curve.filter((point) => point.puzzles <= puzzles).at(-1);
    const same = at(cell, reference.trainImages * reference.epochs);
    const reached = puzzlesToLeaveChance(cell);
    return (
      `- ${cell.epochs} epochs vs ${reference.epochs} (${reference.id}): final ${percent(finalTop1(cell)!)} after ${(cell.trainImages * cell.epochs).toLocaleString('en')} puzzles vs ${percent(finalTop1(reference)!)} after ${(reference.trainImages * reference.epochs).toLocaleString('en')}` +
      (same ? `; at the same ${same.puzzles.toLocaleString('en')} puzzles the longer schedule (its learning rate still high) had ${percent(same.top1)}` : '') +
      (reached !== undefined ? `; ${LEAVES_CHANCE_FACTOR}× chance after ${reached.toLocaleString('en')} puzzles` : '') +
      `. Linear conv1…5: ${LAYERS.map((layer) => (cell.linear[layer] === undefined ? '—' : percent(cell.linear[layer]!))).join(' / ')} vs ${LAYERS.map((layer) => (reference.linear[layer] === undefined ? '—' : percent(reference.linear[layer]!))).join(' / ')}.`
    );
  });
}

/** Cells with a permutation curriculum, each with the finished cell that equals it but trains on the whole set throughout. */
export function curriculumPairs(results: readonly ProbeResult[]): { cell: ProbeResult; reference: ProbeResult }[] {
  const same = (a: ProbeResult, b: ProbeResult) =>
    a.task === b.task && a.permutations === b.permutations && a.imageSize === b.imageSize && a.widthMultiplier === b.widthMultiplier && a.learningRate === b.learningRate && a.epochs === b.epochs;
  return results
    .filter((cell) => cell.curriculum)
    .flatMap((cell) => {
      const reference = results.find((other) => !other.curriculum && same(cell, other));
      return reference ? [{ cell, reference }] : [];
    });
}

function curriculumLines(results: readonly ProbeResult[]): string[] {
  return curriculumPairs(results).map(({ cell, reference }) => {
    const { permutations, puzzles, rampPuzzles } = cell.curriculum!;
    const after = cell.curve.filter((point) => point.puzzles > puzzles);
    const atSwitch = cell.curve.filter((point) => point.puzzles <= puzzles).at(-1);
    const reached = puzzlesToLeaveChance(cell);
    const schedule = rampPuzzles
      ? `the first ${puzzles.toLocaleString('en')} puzzles from ${permutations} of the ${cell.permutations} permutations, then a pool growing evenly to all of them over ${rampPuzzles.toLocaleString('en')}`
      : `the first ${puzzles.toLocaleString('en')} puzzles from ${permutations} of the ${cell.permutations} permutations`;
    return (
      `- Curriculum (${schedule}) vs none (${reference.id}): ` +
      `final ${percent(finalTop1(cell)!)} vs ${percent(finalTop1(reference)!)} on the whole set's held-out puzzles` +
      (atSwitch
        ? `; ${percent(atSwitch.top1)} when the ${rampPuzzles ? 'pool began to grow' : 'whole set opened'} (at most ${percent(permutations / cell.permutations)} is reachable before: only ${permutations} classes trained)`
        : '') +
      (after.length ? `, best after it ${percent(Math.max(...after.map((point) => point.top1)))}` : '') +
      (reached === undefined
        ? `; ${LEAVES_CHANCE_FACTOR}× chance not reached`
        : `; ${LEAVES_CHANCE_FACTOR}× chance after ${reached.toLocaleString('en')} puzzles${lostAfterLeavingChance(cell) ? ', lost by the end' : ''}`) +
      `. Linear conv1…5: ${LAYERS.map((layer) => (cell.linear[layer] === undefined ? '—' : percent(cell.linear[layer]!))).join(' / ')} vs ${LAYERS.map((layer) => (reference.linear[layer] === undefined ? '—' : percent(reference.linear[layer]!))).join(' / ')}.`
    );
  });
}

function learningRateLines(results: readonly ProbeResult[]): string[] {
  return learningRatePairs(results).map(({ cell, reference }) => {
    const best = (result: ProbeResult) => Math.max(...result.curve.map((point) => point.top1));
    const flat = flatFrom(cell);
    const verdict = flat !== undefined
      ? `its held-out top-1 stayed at exactly ${percent(finalTop1(cell)!)} from ${flat.toLocaleString('en')} puzzles on — the net answers one permutation for every puzzle: training collapsed at this rate`
      : `final ${percent(finalTop1(cell)!)} (best ${percent(best(cell))})`;
    return `- Learning rate ${cell.learningRate} vs ${reference.learningRate} (${reference.id}): ${verdict}; at ${reference.learningRate}: final ${percent(finalTop1(reference)!)} (best ${percent(best(reference))}).`;
  });
}

export function probeReadme(cells: readonly ProbeCell[], results: readonly ProbeResult[]): string {
  const d = PROBE_DESIGN;
  const byId = new Map(results.map((result) => [result.id, result]));
  const lines: string[] = [
    '# Does the Jigsaw pretext learn on CIFAR-10? — the probe',
    '',
    'Generated by `npm run study -- --scale probe` from the cell files in [cells/](cells/) (one per finished grid point;',
    'the command skips those and runs the rest, so the grid grows across sittings).',
    '',
    `Each cell trains the pretext network (AlexNet-style, batch norm) on ${d.trainImages.toLocaleString('en')} CIFAR-10 train images for`,
    `${d.epochs} epochs (${(d.trainImages * d.epochs).toLocaleString('en')} puzzles; a cell id with \`-e<N>\` ran N epochs; \`-cur<K>x<N>k\`: its first N thousand puzzles drew from K well-separated permutations of the set, and with \`-ramp<M>k\` the next M thousand from a pool growing to the whole set, \`pretext.permutationCurriculum\`), batch ${d.batchSize}, SGD with momentum, cosine learning rate;`,
    `${d.heldOutImages.toLocaleString('en')} further images are held out and one fixed puzzle per held-out image is scored every`,
    `${d.measureEvery.toLocaleString('en')} puzzles (\`pretext.heldOutImages\`, \`pretext.heldOutEvery\`). Chance is 1 / permutations. Then linear`,
    `probes on each conv layer (${d.evalTrainImages.toLocaleString('en')} labelled train images, ${d.linearEpochs} epochs) are scored on ${d.testImages.toLocaleString('en')} test images.`,
    `"Leaves chance" means held-out top-1 ≥ ${LEAVES_CHANCE_FACTOR}× chance.`,
    '',
    '| cell | chance | held-out top-1 (final) | × chance | puzzles to 10× chance | epoch loss first → last (ln P) | linear conv1 / 2 / 3 / 4 / 5 | CPU min | machine |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const cell of cells) {
    const result = byId.get(cell.id);
    if (!result) continue;
    const final = finalTop1(result);
    const toLeave = puzzlesToLeaveChance(result);
    const loss = result.epochLoss.length ? `${result.epochLoss[0]!.toFixed(2)} → ${result.epochLoss.at(-1)!.toFixed(2)} (${Math.log(result.permutations).toFixed(2)})` : '—';
    lines.push(
      `| ${cell.id} | ${percent(chanceOf(result))} | ${final === undefined ? '—' : percent(final)} | ${final === undefined ? '—' : (final / chanceOf(result)).toFixed(1)} | ${toLeave === undefined ? 'not reached' : `${toLeave.toLocaleString('en')}${lostAfterLeavingChance(result) ? ' (lost by the end)' : ''}`} | ${loss} | ${LAYERS.map((layer) => (result.linear[layer] === undefined ? '—' : percent(result.linear[layer]!))).join(' / ')} | ${(result.cpuSeconds / 60).toFixed(0)} | ${result.machine.cpu}, ${result.machine.backend} |`,
    );
  }
  const cheapest = cheapestLeavingChance(results);
  lines.push('', '## Reading', '');
  if (cheapest) {
    lines.push(
      `Cheapest finished cell that leaves chance: **${cheapest.id}** — ${percent(finalTop1(cheapest)!)} held-out top-1 after ${(cheapest.trainImages * cheapest.epochs).toLocaleString('en')} puzzles ` +
        `(${(finalTop1(cheapest)! / chanceOf(cheapest)).toFixed(1)}× chance; 10× first reached after ${puzzlesToLeaveChance(cheapest)!.toLocaleString('en')} puzzles), ` +
        `${(cheapest.cpuSeconds / 60).toFixed(0)} CPU-minutes (${(cheapest.wallSeconds / 60).toFixed(0)} min wall) on ${cheapest.machine.cpu}.`,
    );
  } else {
    lines.push(results.length ? `No finished cell has reached ${LEAVES_CHANCE_FACTOR}× chance yet.` : 'No cell has finished yet.');
  }
  const rateLines = learningRateLines(results);
  if (rateLines.length) lines.push('', ...rateLines);
  const longerLines = epochLines(results);
  if (longerLines.length) lines.push('', ...longerLines);
  const scheduleLines = curriculumLines(results);
  if (scheduleLines.length) lines.push('', ...scheduleLines);
  const pending = cells.filter((cell) => !byId.has(cell.id));
  if (pending.length) {
    // CPU per design-length cell: a cell's time scaled to the design's epochs (a 20-epoch cell counts a quarter)
    const perCell = results.length ? results.reduce((sum, result) => sum + (result.cpuSeconds * d.epochs) / result.epochs, 0) / results.length / 60 : undefined;
    const pendingEpochs = pending.reduce((sum, cell) => sum + cell.epochs / d.epochs, 0);
    lines.push(
      '',
      `Pending (${pending.length} of ${cells.length}): ${pending.map((cell) => cell.id).join(', ')}.` +
        (perCell === undefined
          ? ''
          : ` At the finished cells' mean of ${perCell.toFixed(0)} CPU-minutes per ${d.epochs} epochs (cells with more epochs cost proportionally more; wider and larger cells cost more), about ${((perCell * pendingEpochs) / 60).toFixed(1)} CPU-hours remain.`),
    );
  }
  if (results.length) lines.push('', '![held-out top-1 against puzzles trained](curves.png)');
  return `${lines.join('\n')}\n`;
}

export function curvesSpec(results: readonly ProbeResult[]): TopLevelSpec {
  const values = results.flatMap((result) =>
    result.curve.map((point) => ({ cell: result.id, puzzles: point.puzzles, top1: 100 * point.top1, timesChance: point.top1 / chanceOf(result) })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Jigsaw pretext on CIFAR-10: held-out puzzle top-1 ÷ chance',
    width: 520,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'puzzles', type: 'quantitative', title: 'puzzles trained' },
          // symlog, not log: a measurement of 0 (no held-out puzzle right, common at 701 permutations) has no
          // logarithm, and one such point left the whole log axis without a domain (every line drawn at the top).
          y: { field: 'timesChance', type: 'quantitative', title: 'held-out top-1 ÷ chance (symmetric log)', scale: { type: 'symlog' }, axis: { values: [0, 1, 2, 5, 10, 20, 50, 100, 200] } },
          color: { field: 'cell', type: 'nominal', title: 'cell', legend: { labelLimit: 400 } },
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { y: { datum: LEAVES_CHANCE_FACTOR } } },
    ],
  };
}

export async function writeProbeReport(outDir: string, cells: readonly ProbeCell[], results: readonly ProbeResult[]): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'README.md'), probeReadme(cells, results));
  const written = ['README.md'];
  if (results.length) {
    const spec = curvesSpec(results);
    writeFileSync(join(outDir, 'curves.vl.json'), `${JSON.stringify(spec, null, 2)}\n`);
    writeFileSync(join(outDir, 'curves.png'), await renderPng(spec));
    written.push('curves.vl.json', 'curves.png');
  }
  return written;
}
