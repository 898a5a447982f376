/**
 * A run's checkpoint copy (apps/trainer/src/checkpoint-sync.ts) is content-addressed blobs `ckpt-<sha256>`
 * plus a manifest naming the ones the current checkpoint uses. When a new manifest arrives, blobs it no
 * longer names (an earlier epoch's weights) are deleted, so the copy does not grow with every epoch.
 * The worker sends blobs before the manifest that names them, and only it writes to the run, so nothing
 * a manifest needs is ever removed.
 */
import { z } from 'zod';
import type { Db } from '@ktlab/db';
import { removeArtifactFile } from './artifact-store';

export const CHECKPOINT_MANIFEST = 'checkpoint-manifest.json';
export const CHECKPOINT_BLOB_PREFIX = 'ckpt-';

const manifestChunks = z.object({ files: z.array(z.object({ chunks: z.array(z.string()) })) });

/** Deletes the run's checkpoint blobs the manifest does not name; returns how many. A manifest it cannot read deletes nothing. */
export async function pruneCheckpointBlobs(db: Db, runId: string, manifest: Uint8Array): Promise<number> {
  let parsed;
  try {
    parsed = manifestChunks.safeParse(JSON.parse(Buffer.from(manifest).toString('utf8')));
  } catch {
    return 0;
  }
  if (!parsed.success) return 0;
  const keep = new Set(parsed.data.files.flatMap((file) => file.chunks.map((chunk) => `${CHECKPOINT_BLOB_PREFIX}${chunk}`)));
  const blobs = await db.artifact.findMany({
    where: { runId, kind: 'checkpoint', name: { startsWith: CHECKPOINT_BLOB_PREFIX } },
    select: { id: true, name: true, uri: true },
  });
  const unused = blobs.filter((blob) => !keep.has(blob.name));
  if (!unused.length) return 0;
  await db.artifact.deleteMany({ where: { id: { in: unused.map((blob) => blob.id) } } });
  for (const blob of unused) await removeArtifactFile(blob.uri);
  return unused.length;
}
