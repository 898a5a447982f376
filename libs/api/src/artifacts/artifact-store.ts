/**
 * Run artifacts (figures, result tables, …) kept by the portal under `<KTLAB_HOME>/artifacts/<run>/<name>`.
 * Written to a temporary name, fsynced and renamed, so a failed upload never leaves a truncated file; the
 * sha256 recorded with the row is checked again on every read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { ktlabHome } from '@ktlab/config/paths';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;
/** Run files people download (features, centroids, pseudo-labels, models) are streamed to disk, so they may be larger. */
export const MAX_DOWNLOAD_ARTIFACT_BYTES = 4 * 1024 * 1024 * 1024;
export const LARGE_ARTIFACT_KINDS: ReadonlySet<string> = new Set(['features', 'centroids', 'pseudo-labels', 'model']);

export const maxArtifactBytes = (kind: string) => (LARGE_ARTIFACT_KINDS.has(kind) ? MAX_DOWNLOAD_ARTIFACT_BYTES : MAX_ARTIFACT_BYTES);

/** An upload larger than its kind's limit (answered 413). */
export class ArtifactTooLargeError extends Error {}

export function artifactsRoot(): string {
  return process.env.KTLAB_ARTIFACTS ?? join(ktlabHome(), 'artifacts');
}

/** Artifact names are plain file names: no folders, no `..`, nothing a path could escape with. */
export function assertArtifactName(name: string): void {
  if (!NAME.test(name) || name.includes('..')) throw new Error(`invalid artifact name "${name}": use letters, digits, '.', '_' and '-'`);
}

export interface StoredArtifact {
  uri: string;
  bytes: number;
  sha256: string;
}

/**
 * Writes the data (bytes, or a stream written as it arrives, never held whole) under the run's folder; a stream
 * longer than `maxBytes` stops with ArtifactTooLargeError and leaves nothing behind.
 */
export async function storeArtifact(runId: string, name: string, data: Uint8Array | ReadableStream<Uint8Array>, maxBytes = MAX_ARTIFACT_BYTES): Promise<StoredArtifact> {
  assertArtifactName(name);
  assertArtifactName(runId);
  const dir = join(artifactsRoot(), runId);
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await open(temporary, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array> = data instanceof Uint8Array ? [data] : (data as unknown as AsyncIterable<Uint8Array>);
    for await (const chunk of chunks) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw new ArtifactTooLargeError(`artifacts of this kind are limited to ${maxBytes} bytes`);
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { uri: `${runId}/${name}`, bytes, sha256: hash.digest('hex') };
}

/** The artifact's bytes, or an error when the file is missing or no longer matches its recorded sha256. */
export async function readArtifact(uri: string, sha256: string): Promise<Buffer> {
  const [runId, name] = uri.split('/');
  assertArtifactName(runId);
  assertArtifactName(name);
  const data = await readFile(join(artifactsRoot(), runId, name));
  if (createHash('sha256').update(data).digest('hex') !== sha256) throw new Error(`artifact ${uri} is corrupt (sha256 mismatch)`);
  return data;
}

/**
 * The artifact as a stream (never read whole) and its size; the sha256 is checked as it goes, and a file that no
 * longer matches errors the stream at its end, so the download fails rather than completing with wrong bytes.
 */
export async function openArtifactStream(uri: string, sha256: string): Promise<{ stream: ReadableStream<Uint8Array>; bytes: number }> {
  const [runId, name] = uri.split('/');
  assertArtifactName(runId);
  assertArtifactName(name);
  const path = join(artifactsRoot(), runId, name);
  const { size } = await stat(path);
  const hash = createHash('sha256');
  const verify = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk);
      controller.enqueue(chunk);
    },
    flush(controller) {
      if (hash.digest('hex') !== sha256) controller.error(new Error(`artifact ${uri} is corrupt (sha256 mismatch)`));
    },
  });
  const file = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
  return { stream: file.pipeThrough(verify), bytes: size };
}

/** Removes an artifact's file (its row is deleted by the caller); a file already gone is fine. */
export async function removeArtifactFile(uri: string): Promise<void> {
  const [runId, name] = uri.split('/');
  assertArtifactName(runId);
  assertArtifactName(name);
  await rm(join(artifactsRoot(), runId, name), { force: true });
}

export function contentType(name: string): string {
  if (name.endsWith('.png')) return 'image/png';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.npy')) return 'application/x-npy';
  if (name.endsWith('.csv')) return 'text/csv; charset=utf-8';
  if (name.endsWith('.md') || name.endsWith('.txt') || name.endsWith('.log')) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}
