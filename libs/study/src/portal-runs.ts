/**
 * A study's cells as portal runs: the name, method and tags a cell's run gets, whether the CLI creates it
 * (`--portal`), publishes it (`--publish`) or the portal launches it (`studies.launch`), so each finds the runs the
 * others made.
 */
import { ablationTag, evalResultSchema, studyTag } from '@ktlab/config';
import type { CellScores } from './cell-result';
import { CELL_GROUPS, configHash, DOMAIN_VARIANTS, parseCellId, type CellIdentity, type DomainVariant, type StudyCell } from './plan';
import { STUDY_ROWS, type StudyRow } from './scales';

/** The most seeds a study launched from the portal (`studies.launch`) may have per cell. */
export const MAX_LAUNCH_SEEDS = 10;

const CELL_TAG_PREFIX = 'cell:';
const CONFIG_TAG_PREFIX = 'cfg:';

export function cellTag(cellId: string): string {
  return `${CELL_TAG_PREFIX}${cellId}`;
}

/** The cell a tag names (`cell:<id>`), or undefined for any other tag. */
export function cellOfTag(tag: string): string | undefined {
  return tag.startsWith(CELL_TAG_PREFIX) && tag.length > CELL_TAG_PREFIX.length ? tag.slice(CELL_TAG_PREFIX.length) : undefined;
}

export function configTag(cell: StudyCell): string {
  return `${CONFIG_TAG_PREFIX}${configHash(cell.config)}`;
}

/** `study:<scale>`, `cell:<id>`, `cfg:<hash>`, and `ablation:<group>` for an ablation cell. */
export function studyTags(scale: string, cell: StudyCell): string[] {
  const tags = [studyTag(scale), cellTag(cell.id), configTag(cell)];
  // the benchmark view ranks an ablation's rows among themselves, as the study's Tables 1–2 do; a transfer cell's
  // detection and segmentation results are columns of its method's row
  return cell.group === 'main' || cell.group === 'transfer' ? tags : [...tags, ablationTag(cell.group)];
}

/** The benchmark view groups runs by method: ablation cells get their own method name. */
export function portalMethod(cell: StudyCell): string {
  if (cell.group === 'clusters') return `${cell.row} k=${cell.k}`;
  if (cell.group === 'domain') return `${cell.row} ${cell.domain}`;
  return cell.row;
}

/** `study-<scale>-<cell-id>` */
export function studyRunName(scale: string, cell: Pick<StudyCell, 'id'>): string {
  return `study-${scale}-${cell.id}`;
}

/** What `cellScoresFromRuns` reads of a finished portal run. */
export interface FinishedStudyRun {
  id: string;
  tags: readonly string[];
  /** The run's config (its `clustering.k` is a CC cell's number of clusters). */
  config: unknown;
  finishedAt: Date | string | null;
  evalResults: readonly { protocol: string; layer: string; dataset: string; metric: string; value: number }[];
}

export interface RunCellScores extends CellScores {
  runId: string;
}

export interface CellsFromRuns {
  /** One per cell id, from its most recently finished run; in the plan's order (main cells, then ablations; by seed). */
  cells: RunCellScores[];
  /** Runs of a cell that has a later-finished run: left out, so no seed counts twice. */
  superseded: { runId: string; cellId: string }[];
  /** Runs without a `cell:<id>` tag naming a cell of the study's design. */
  unknown: string[];
}

function clustersOf(config: unknown): number | undefined {
  const k = (config as { clustering?: { k?: unknown } } | null)?.clustering?.k;
  return typeof k === 'number' && Number.isInteger(k) ? k : undefined;
}

/** `planStudy`'s order: main cells seed by seed in row order, then each seed's transfer and ablation cells (k, then domain). */
function planOrder(cell: CellScores): string {
  const number = (value: number) => String(value).padStart(8, '0');
  const group = CELL_GROUPS.indexOf(cell.group);
  const domain = cell.domain === undefined ? 0 : DOMAIN_VARIANTS.indexOf(cell.domain as DomainVariant);
  return [group === 0 ? 0 : 1, cell.seed, group, STUDY_ROWS.indexOf(cell.row as StudyRow), cell.group === 'clusters' ? cell.k ?? 0 : 0, domain].map(number).join(':');
}

const finishedTime = (run: FinishedStudyRun) => (run.finishedAt === null ? -Infinity : new Date(run.finishedAt).getTime());

/**
 * A study's finished portal runs (launched by `--portal` or `studies.launch`, or published by `--publish`) as the
 * cells the tables, orderings and anchors read: each run's `cell:<id>` tag says who it is, its eval results are
 * its scores (results of a protocol this version does not know are left out). A cell run twice counts once.
 */
export function cellScoresFromRuns(runs: readonly FinishedStudyRun[]): CellsFromRuns {
  const latest = new Map<string, { run: FinishedStudyRun; identity: CellIdentity }>();
  const superseded: CellsFromRuns['superseded'] = [];
  const unknown: string[] = [];
  for (const run of runs) {
    const cellId = run.tags.map(cellOfTag).find((id) => id !== undefined);
    const identity = cellId === undefined ? undefined : parseCellId(cellId);
    if (cellId === undefined || identity === undefined) {
      unknown.push(run.id);
      continue;
    }
    const before = latest.get(cellId)?.run;
    if (before && finishedTime(before) >= finishedTime(run)) {
      superseded.push({ runId: run.id, cellId });
      continue;
    }
    if (before) superseded.push({ runId: before.id, cellId });
    latest.set(cellId, { run, identity });
  }
  const cells = [...latest.values()].map(({ run, identity }): RunCellScores => {
    const k = identity.group === 'clusters' ? identity.k : identity.row.startsWith('cc-') ? clustersOf(run.config) : undefined;
    const results = run.evalResults.flatMap((result) => {
      const parsed = evalResultSchema.safeParse({ protocol: result.protocol, layer: result.layer, dataset: result.dataset, metric: result.metric, value: result.value });
      return parsed.success ? [parsed.data] : [];
    });
    return { ...identity, ...(k === undefined ? {} : { k }), results, runId: run.id };
  });
  cells.sort((a, b) => planOrder(a).localeCompare(planOrder(b)));
  return { cells, superseded, unknown };
}
