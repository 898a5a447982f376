/**
 * Run artifacts (figures, result tables, …) kept by the portal under `<KTLAB_HOME>/artifacts/<run>/<name>`.
 * Written to a temporary name, fsynced and renamed, so a failed upload never leaves a truncated file; the
 * sha256 recorded with the row is checked again on every read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ktlabHome } from '@ktlab/db/paths';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

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

export async function storeArtifact(runId: string, name: string, data: Uint8Array): Promise<StoredArtifact> {
  assertArtifactName(name);
  assertArtifactName(runId);
  const dir = join(artifactsRoot(), runId);
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(data);
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
  return { uri: `${runId}/${name}`, bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
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
  if (name.endsWith('.csv')) return 'text/csv; charset=utf-8';
  if (name.endsWith('.md') || name.endsWith('.txt') || name.endsWith('.log')) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}
