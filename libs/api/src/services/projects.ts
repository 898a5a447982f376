import type { Db } from '@ktlab/db';

export const DEFAULT_PROJECT_SLUG = 'default';

export async function ensureProject(db: Db, slug = DEFAULT_PROJECT_SLUG) {
  return db.project.upsert({
    where: { slug },
    create: { slug, name: slug === DEFAULT_PROJECT_SLUG ? 'Default project' : slug },
    update: {},
  });
}
