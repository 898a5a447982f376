import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertStillInRoots, resolveDatasetInRoots } from '@ktlab/config/dataset-roots';

/**
 * The bytes of a single file a run config names (`pretext.permutationsFile`), read as the datasets are: inside
 * `roots` when there are any (through its checked real path, refused if that path changed during the read),
 * relative paths against the worker's working folder. Every error starts with `field`.
 */
export async function readFileInRoots(field: string, path: string, roots: readonly string[] = []): Promise<Buffer> {
  const real = roots.length > 0 ? await resolveDatasetInRoots(field, path, roots, process.cwd()) : resolve(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${field}: cannot read "${path}"${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a folder, not a file' : `: ${(error as Error).message}`}`);
  }
  if (roots.length > 0) await assertStillInRoots(field, real, roots);
  return bytes;
}
