import { readFile, writeFile } from 'node:fs/promises';
import { decodePermutationBin, encodePermutationBin } from './bin-format';
import type { PermutationSet } from './permutation-set';

/** Reads a permutation set in the paper's `.bin` format. */
export async function readPermutationFile(path: string): Promise<PermutationSet> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`cannot read permutation file ${path}: ${(error as Error).message}`);
  }
  return decodePermutationBin(bytes, path);
}

/** Writes a permutation set in the paper's `.bin` format. */
export async function writePermutationFile(path: string, set: PermutationSet): Promise<void> {
  await writeFile(path, encodePermutationBin(set));
}
