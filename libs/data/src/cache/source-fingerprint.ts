import { createHash } from 'node:crypto';

export interface SourceFileStamp {
  id: string;
  byteSize: number;
  mtimeMs: number;
}

/** A hash of the source's file list with sizes and modification times: any added, removed or edited file changes it. */
export function sourceFingerprint(files: readonly SourceFileStamp[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.id}\t${file.byteSize}\t${Math.round(file.mtimeMs)}\n`);
  return hash.digest('hex');
}
