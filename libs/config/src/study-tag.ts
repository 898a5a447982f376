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
