/**
 * A study's cells as portal runs: the name, method and tags a cell's run gets, whether the CLI creates it
 * (`--portal`), publishes it (`--publish`) or the portal launches it (`studies.launch`), so each finds the runs the
 * others made.
 */
import { ablationTag, studyTag } from '@ktlab/config';
import { configHash, type StudyCell } from './plan';

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
  // the benchmark view ranks an ablation's rows among themselves, as the study's Tables 1–2 do
  return cell.group === 'main' ? tags : [...tags, ablationTag(cell.group)];
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
