/**
 * Runs launched by the reproduction study (`npm run study -- --portal`) carry the tag `study:<name>`, so the
 * portal can show the benchmark tables of exactly one study's runs.
 */
const STUDY_TAG_PREFIX = 'study:';

export function studyTag(study: string): string {
  return `${STUDY_TAG_PREFIX}${study}`;
}

/** The study a tag names, or undefined for any other tag. */
export function studyOfTag(tag: string): string | undefined {
  return tag.startsWith(STUDY_TAG_PREFIX) && tag.length > STUDY_TAG_PREFIX.length ? tag.slice(STUDY_TAG_PREFIX.length) : undefined;
}

const ABLATION_TAG_PREFIX = 'ablation:';

/**
 * The tag of a run that belongs to an ablation (the paper's Tables 1–2: number of clusters, cluster domain): the
 * benchmark view shows such runs as their own group of rows, best marked within the group.
 */
export function ablationTag(ablation: string): string {
  return `${ABLATION_TAG_PREFIX}${ablation}`;
}

/** The ablation a tag names, or undefined for any other tag. */
export function ablationOfTag(tag: string): string | undefined {
  return tag.startsWith(ABLATION_TAG_PREFIX) && tag.length > ABLATION_TAG_PREFIX.length ? tag.slice(ABLATION_TAG_PREFIX.length) : undefined;
}

/** The group of a benchmark table's method rows; each ablation's rows form a group named after the ablation. */
export const MAIN_GROUP = 'main';

const ABLATION_NAMES: Record<string, string> = { clusters: 'number of clusters', domain: 'cluster domain' };

/** An ablation group's heading: "Ablation: number of clusters". */
export function ablationLabel(ablation: string): string {
  return `Ablation: ${ABLATION_NAMES[ablation] ?? ablation}`;
}
