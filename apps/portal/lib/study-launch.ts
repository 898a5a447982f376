/**
 * The Benchmarks page's launch control (scale, seeds, rows) as the input of `studies.preview` / `studies.launch`,
 * or why it cannot be sent: pure, so the rules are tested without a browser.
 */
import { MAX_LAUNCH_SEEDS, SCALES, type ScaleName, type StudyRow } from '@ktlab/study';

export interface StudyLaunchDraft {
  scale: ScaleName;
  /** The seeds field as typed: empty for the scale's own number. */
  seeds: string;
  /** Checked rows; every row of the scale when untouched. */
  rows: readonly StudyRow[];
  /** Empty for the server's default (`$KTLAB_SHARED/datasets/cifar10`). */
  dataRoot: string;
}

export type StudyLaunchRequest = { scale: ScaleName; seeds?: number; only?: StudyRow[]; dataRoot?: string };

export function defaultLaunchDraft(scale: ScaleName): StudyLaunchDraft {
  return { scale, seeds: '', rows: [...SCALES[scale].rows], dataRoot: '' };
}

/** The request for this draft, or the first thing wrong with it. */
export function launchRequest(draft: StudyLaunchDraft): { request: StudyLaunchRequest } | { error: string } {
  const scaleRows = SCALES[draft.scale].rows;
  const seedsText = draft.seeds.trim();
  const seeds = seedsText === '' ? undefined : Number(seedsText);
  if (seeds !== undefined && (!/^\d+$/.test(seedsText) || seeds < 1 || seeds > MAX_LAUNCH_SEEDS)) return { error: `seeds: a whole number from 1 to ${MAX_LAUNCH_SEEDS}` };
  const rows = scaleRows.filter((row) => draft.rows.includes(row));
  if (rows.length === 0) return { error: 'rows: pick at least one row' };
  const dataRoot = draft.dataRoot.trim();
  return {
    request: {
      scale: draft.scale,
      ...(seeds === undefined ? {} : { seeds }),
      ...(rows.length === scaleRows.length ? {} : { only: rows }),
      ...(dataRoot ? { dataRoot } : {}),
    },
  };
}
