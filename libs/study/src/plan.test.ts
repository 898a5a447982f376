import { describe, expect, it } from 'vitest';
import { pipelineConfigSchema, presetConfig, type PipelineConfig } from '@ktlab/config';
import { configHash, DOMAIN_VARIANTS, parseCellId, planStudy, pretextKey } from './plan';
import { designCellCount, SCALES, STUDY_ROWS, scaleByName } from './scales';

const dataRoot = '/data/cifar10';

describe('planStudy', () => {
  it('plans every row × seed plus the cluster and domain ablations at the quick scale', () => {
    const plan = planStudy({ scale: SCALES.quick, dataRoot });
    const main = plan.cells.filter((cell) => cell.group === 'main');
    expect(main).toHaveLength(STUDY_ROWS.length * 3);
    expect(new Set(main.map((cell) => cell.seed))).toEqual(new Set([0, 1, 2]));
    const clusters = plan.cells.filter((cell) => cell.group === 'clusters');
    // The main CC+Jigsaw++ cell already is the k = 20 point: it is an alias, not a second run.
    const otherKs = SCALES.quick.clusterCounts.filter((k) => k !== SCALES.quick.clustering.k);
    expect(clusters.map((cell) => cell.k).sort((a, b) => a! - b!)).toEqual([...otherKs, ...otherKs, ...otherKs].sort((a, b) => a - b));
    expect(plan.aliases).toEqual({ 'k20-s0': 'cc-jigsaw++-s0', 'k20-s1': 'cc-jigsaw++-s1', 'k20-s2': 'cc-jigsaw++-s2' });
    expect(plan.cells.filter((cell) => cell.group === 'domain')).toHaveLength(DOMAIN_VARIANTS.length * 3);
    expect(new Set(plan.cells.map((cell) => cell.id)).size).toBe(plan.cells.length);
  });

  it('builds configs that the run-config schema accepts, sized by the scale and with the row\'s method', () => {
    const plan = planStudy({ scale: SCALES.quick, dataRoot });
    for (const cell of plan.cells) {
      expect(pipelineConfigSchema.safeParse(cell.config).success).toBe(true);
      expect(cell.config.seed).toBe(cell.seed);
      expect(cell.config.data).toMatchObject({ path: `${dataRoot}/train`, limit: 800 });
      expect(cell.config.evaluation.test).toMatchObject({ path: `${dataRoot}/test`, limit: 500 });
      expect(cell.config.evaluation.train).toMatchObject({ path: `${dataRoot}/train`, limit: 1_000 });
      expect(cell.config.pretext.widthMultiplier).toBe(0.25);
      expect(cell.config.target.epochs).toBe(2);
      const protocols = { main: ['linear', 'nonlinear', 'finetune'], transfer: ['detection', 'segmentation'], clusters: ['linear'], domain: ['linear'] }[cell.group];
      expect(cell.config.evaluation.protocols).toEqual(protocols);
      if (cell.group === 'transfer') expect(cell.config.evaluation.dense).toMatchObject({ ...SCALES.quick.evaluation.dense!.settings, modes: ['frozen', 'finetune'] });
      else expect(cell.config.evaluation.dense).toBeUndefined();
    }
    const vgg = plan.cells.find((cell) => cell.id === 'cc-vgg-jigsaw++-s1')!;
    const preset = presetConfig('cc-vgg-jigsaw++', { data: { path: 'x' } });
    expect(vgg.config.pretext.arch).toBe('vgg');
    expect(vgg.config.pretext.task).toBe(preset.kind === 'pipeline' ? preset.pretext.task : 'none');
    expect(plan.cells.find((cell) => cell.id === 'supervised-s0')!.config.target.objective).toBe('supervised');
    expect(plan.cells.find((cell) => cell.id === 'cc-hog-s0')!.config.clustering.source).toBe('hog');
    expect(plan.cells.find((cell) => cell.id === 'k5-s2')!.config.clustering.k).toBe(5);
  });

  it('gives the headline rows a transfer cell that evaluates the main cell\'s networks by detection and segmentation only', () => {
    const plan = planStudy({ scale: SCALES.quick, dataRoot });
    const transfers = plan.cells.filter((cell) => cell.group === 'transfer');
    expect(transfers.map((cell) => cell.id).sort()).toEqual(
      ['cc-jigsaw++', 'random', 'supervised'].flatMap((row) => [0, 1, 2].map((seed) => `transfer-${row}-s${seed}`)).sort(),
    );
    for (const cell of transfers) {
      const main = plan.cells.find((other) => other.id === cell.evaluates)!;
      expect(main).toMatchObject({ group: 'main', row: cell.row, seed: cell.seed });
      // everything up to the evaluation is the main cell's, so its trained networks can be evaluated as they are
      const { evaluation: _e, ...trained } = cell.config;
      const { evaluation: _m, ...mainTrained } = main.config;
      expect(trained).toEqual(mainTrained);
      expect({ ...cell.config.evaluation, protocols: undefined, dense: undefined }).toEqual({ ...main.config.evaluation, protocols: undefined, dense: undefined });
    }
    // the main cells' configs (and so the hashes of cells already run) do not change
    const withoutDense = planStudy({ scale: { ...SCALES.quick, evaluation: { ...SCALES.quick.evaluation, dense: undefined } }, dataRoot });
    expect(withoutDense.cells.map((cell) => [cell.id, configHash(cell.config)])).toEqual(
      plan.cells.filter((cell) => cell.group !== 'transfer').map((cell) => [cell.id, configHash(cell.config)]),
    );
  });

  it('clusters half A and pseudo-labels half A, half B or the test images in the domain ablation', () => {
    const plan = planStudy({ scale: SCALES.quick, dataRoot, seeds: 1 });
    const byVariant: Record<string, PipelineConfig> = Object.fromEntries(plan.cells.filter((cell) => cell.group === 'domain').map((cell) => [cell.domain!, cell.config]));
    for (const config of Object.values(byVariant)) expect(config.clustering.data).toMatchObject({ path: `${dataRoot}/train`, subset: 'first-half', limit: 400 });
    expect(byVariant['half-A→half-A']!.pseudoLabels.data).toMatchObject({ subset: 'first-half' });
    expect(byVariant['half-A→half-B']!.pseudoLabels.data).toMatchObject({ path: `${dataRoot}/train`, subset: 'second-half' });
    expect(byVariant['half-A→test']!.pseudoLabels.data).toMatchObject({ path: `${dataRoot}/test`, subset: 'all' });
  });

  it('honours --seeds and --only, and runs ablations only with CC+Jigsaw++', () => {
    const plan = planStudy({ scale: SCALES.quick, dataRoot, seeds: 2, only: ['random', 'jigsaw'] });
    expect(plan.cells.map((cell) => cell.id)).toEqual(['random-s0', 'jigsaw-s0', 'random-s1', 'jigsaw-s1', 'transfer-random-s0', 'transfer-random-s1']);
    expect(planStudy({ scale: SCALES.smoke, dataRoot }).cells.map((cell) => cell.id)).toEqual(['random-s0', 'cc-jigsaw++-s0', 'k5-s0']);
  });

  it('honours --groups: main cells only leave the transfer and ablation cells out', () => {
    const plan = planStudy({ scale: SCALES.medium, dataRoot, seeds: 2, only: ['random', 'cc-jigsaw++'], groups: ['main'] });
    expect(plan.cells.map((cell) => cell.id)).toEqual(['random-s0', 'cc-jigsaw++-s0', 'random-s1', 'cc-jigsaw++-s1']);
    expect(plan.aliases).toEqual({ 'k100-s0': 'cc-jigsaw++-s0', 'k100-s1': 'cc-jigsaw++-s1' });
    expect(planStudy({ scale: SCALES.medium, dataRoot, only: ['cc-jigsaw++'], groups: ['clusters'] }).cells.map((cell) => cell.id)).toEqual(['k500-s0', 'k500-s1', 'k500-s2']);
    expect(() => planStudy({ scale: SCALES.quick, dataRoot, groups: ['mian'] })).toThrow(/unknown cell group\(s\) mian; known: main, transfer, clusters, domain/);
  });

  it('rejects unknown rows, scales and seed counts with a clear message', () => {
    expect(() => planStudy({ scale: SCALES.quick, dataRoot, only: ['nope'] })).toThrow(/unknown row\(s\) nope/);
    expect(() => planStudy({ scale: SCALES.smoke, dataRoot, only: ['jigsaw'] })).toThrow(/none of the rows jigsaw is a row of the smoke scale \(random, cc-jigsaw\+\+\)/);
    expect(() => planStudy({ scale: SCALES.quick, dataRoot, seeds: 0 })).toThrow(/seeds must be a positive integer, got 0/);
    expect(() => scaleByName('huge')).toThrow(/unknown scale "huge"/);
  });

  it('keys pretext sharing on the pretext prefix only', () => {
    const plan = planStudy({ scale: SCALES.quick, dataRoot, seeds: 2 });
    const config = (id: string) => plan.cells.find((cell) => cell.id === id)!.config;
    expect(pretextKey(config('jigsaw++-s0'))).toBe(pretextKey(config('cc-jigsaw++-s0')));
    expect(pretextKey(config('k5-s0'))).toBe(pretextKey(config('cc-jigsaw++-s0')));
    expect(pretextKey(config('cc-vgg-jigsaw++-s0'))).toBe(pretextKey(config('regression-vgg-jigsaw++-s0')));
    expect(pretextKey(config('jigsaw++-s0'))).not.toBe(pretextKey(config('jigsaw++-s1')));
    expect(pretextKey(config('jigsaw-s0'))).not.toBe(pretextKey(config('jigsaw++-s0')));
    expect(pretextKey(config('random-s0'))).toBeUndefined();
    expect(configHash(config('k5-s0'))).not.toBe(configHash(config('cc-jigsaw++-s0')));
  });
});

describe('designCellCount', () => {
  it('counts the cells planStudy makes for the scale', () => {
    for (const scale of Object.values(SCALES)) expect(designCellCount(scale)).toBe(planStudy({ scale, dataRoot }).cells.length);
  });
});

describe('the medium scale', () => {
  const plan = planStudy({ scale: SCALES.medium, dataRoot });
  const config = (id: string) => plan.cells.find((cell) => cell.id === id)!.config;

  it('runs the 7 rows of issue #17 × 3 seeds on the whole train split, scored on the whole test split, plus k = 500', () => {
    expect(plan.cells.filter((cell) => cell.group === 'main')).toHaveLength(21);
    expect(plan.cells.filter((cell) => cell.group === 'clusters').map((cell) => cell.id)).toEqual(['k500-s0', 'k500-s1', 'k500-s2']);
    expect(config('random-s0').data).toMatchObject({ path: `${dataRoot}/train`, limit: 50_000 });
    expect(config('random-s0').evaluation.test).toMatchObject({ path: `${dataRoot}/test`, limit: 10_000 });
    // Jigsaw and Jigsaw++ (and the CC row built on it) train the paper's 701 permutations with a curriculum.
    const curriculum = { permutations: 100, puzzles: 40_000, rampPuzzles: 120_000 };
    expect(config('jigsaw-s1').pretext).toMatchObject({ task: 'jigsaw', permutations: 701, maxOccludedTiles: 0, epochs: 4, permutationCurriculum: curriculum });
    expect(config('jigsaw++-s2').pretext).toMatchObject({ task: 'jigsaw++', permutations: 701, maxOccludedTiles: 2, epochs: 4, permutationCurriculum: curriculum });
    expect(config('cc-jigsaw++-s2').pretext).toEqual(config('jigsaw++-s2').pretext);
    expect(config('k500-s0').pretext.permutationCurriculum).toEqual(curriculum);
    expect(config('supervised-s0').evaluation.nonlinearLayers).toEqual(['conv3', 'conv5']);
    // the trained heads train long enough to reach the linear probe, on flipped and shifted images
    expect(config('random-s0').evaluation).toMatchObject({ trainEpochs: 10, trainLimit: 10_000, augment: { flip: true, shift: 0.125 } });
    // the quick scale's heads are not augmented (its cells keep their configs)
    expect(planStudy({ scale: SCALES.quick, dataRoot }).cells[0]!.config.evaluation.augment).toBeUndefined();
  });

  it('keeps the pretext training settings out of rows without a pretext, so their cells survive a change of them', () => {
    const retrained = { ...SCALES.medium, pretext: { ...SCALES.medium.pretext, epochs: 9, permutations: 30, learningRate: 0.05 } };
    const other = planStudy({ scale: retrained, dataRoot });
    const hashOf = (p: typeof plan, id: string) => configHash(p.cells.find((cell) => cell.id === id)!.config);
    for (const id of ['random-s0', 'supervised-s1', 'cc-hog-s2', 'cc-random-network-s0']) expect(hashOf(other, id)).toBe(hashOf(plan, id));
    expect(hashOf(other, 'jigsaw-s0')).not.toBe(hashOf(plan, 'jigsaw-s0'));
    // The random network still takes the scale's shape.
    expect(config('cc-random-network-s0').pretext).toMatchObject({ task: 'none', widthMultiplier: 0.25, imageSize: 48 });
  });
});

describe('parseCellId', () => {
  it('names every planned cell of every scale by its id alone', () => {
    for (const scale of Object.values(SCALES)) {
      for (const cell of planStudy({ scale, dataRoot, seeds: 2 }).cells) {
        const { config: _config, ...identity } = cell;
        // a main CC row's and a domain cell's k are the scale's: the id does not carry them
        const expected = cell.group === 'clusters' ? identity : (({ k: _k, ...rest }) => rest)(identity);
        expect(parseCellId(cell.id), cell.id).toEqual(expected);
      }
    }
    expect(parseCellId('cc-vgg-jigsaw++-s12')).toMatchObject({ row: 'cc-vgg-jigsaw++', seed: 12, group: 'main' });
    expect(parseCellId('transfer-cc-jigsaw++-s1')).toMatchObject({ row: 'cc-jigsaw++', seed: 1, group: 'transfer', evaluates: 'cc-jigsaw++-s1' });
  });

  it('refuses ids the plan never gives', () => {
    for (const id of ['', 'jigsaw', 'jigsaw-s', 'jigsaw-s01', 'nope-s0', 'k0-s0', 'k05-s1', 'domain-half-B-half-A-s0', 'domain-half-A→half-B-s0', 'jigsaw-s0-extra', 'transfer-s0', 'transfer-nope-s0']) {
      expect(parseCellId(id), id).toBeUndefined();
    }
  });
});

