import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { resolveInside } from '../paths/resolve-inside.js';
import { assertChecksum, fileDigest, newHash, type ExpectedChecksum } from './checksum.js';

export interface DownloadOptions {
  checksum?: ExpectedChecksum;
  /** Name under `<cacheDir>/downloads/`; default the URL's last path segment. */
  fileName?: string;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

/**
 * Downloads `url` to `<cacheDir>/downloads/<name>` unless a verified copy is already there, and returns its path.
 * The body is streamed to a temporary file, hashed on the way, fsynced and renamed into place only when complete
 * and matching `checksum`, so an interrupted or corrupt download never looks finished.
 */
export async function downloadArchive(url: string, cacheDir: string, options: DownloadOptions = {}): Promise<string> {
  const name = options.fileName ?? decodeURIComponent(posix.basename(new URL(url).pathname));
  if (!name) throw new Error(`cannot name the download of "${url}"; pass fileName`);
  const target = resolveInside(join(cacheDir, 'downloads'), name);
  const { checksum } = options;

  if (existsSync(target)) {
    if (!checksum) return target;
    if ((await fileDigest(target, checksum.algorithm)) === checksum.hex.toLowerCase()) return target;
    await rm(target);
  }

  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    throw new Error(`cannot download "${url}": ${(error as Error).cause ?? (error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    throw new Error(`download of "${url}" failed: HTTP ${response.status} ${response.statusText}`);
  }
  const total = Number(response.headers.get('content-length')) || undefined;

  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${randomBytes(4).toString('hex')}.partial`;
  const file = await open(temp, 'w');
  const hash = checksum ? newHash(checksum) : undefined;
  let received = 0;
  try {
    // DOM's ReadableStream typing lacks async iteration; Node's web stream has it.
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash?.update(chunk);
      await file.write(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
    }
    if (total !== undefined && received !== total) {
      throw new Error(`download of "${url}" ended after ${received} of ${total} bytes`);
    }
    if (checksum && hash) assertChecksum(`download of "${url}"`, hash.digest('hex'), checksum);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  await rename(temp, target);
  return target;
}
