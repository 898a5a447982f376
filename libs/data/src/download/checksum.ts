import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** A published digest of a file. MD5 is accepted because that is what dataset authors publish (CIFAR, MNIST). */
export interface ExpectedChecksum {
  algorithm: 'sha256' | 'md5';
  hex: string;
}

export const newHash = (checksum: ExpectedChecksum): Hash => createHash(checksum.algorithm);

export async function fileDigest(path: string, algorithm: ExpectedChecksum['algorithm']): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function assertChecksum(what: string, actualHex: string, expected: ExpectedChecksum): void {
  if (actualHex.toLowerCase() !== expected.hex.toLowerCase()) {
    throw new Error(`${what} has ${expected.algorithm} ${actualHex}, expected ${expected.hex.toLowerCase()} (corrupt or changed download)`);
  }
}
