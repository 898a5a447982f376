/**
 * Stage checkpoints: a finished stage writes `<runDir>/stages/<kind>.json` (atomically) naming its outputs;
 * a resumed run skips every stage whose record exists and whose files are all still there.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@ktlab/data';
import type { StageKind } from '../context';

export interface StageRecord<T> {
  kind: StageKind;
  finishedAt: string;
  /** Files (relative to the run folder) the outputs depend on. */
  files: string[];
  outputs: T;
}

export class StageCheckpoints {
  constructor(readonly runDir: string) {
    mkdirSync(join(runDir, 'stages'), { recursive: true });
  }

  path(relative: string): string {
    return join(this.runDir, relative);
  }

  finished<T>(kind: StageKind): StageRecord<T> | undefined {
    const file = join(this.runDir, 'stages', `${kind}.json`);
    if (!existsSync(file)) return undefined;
    const record = JSON.parse(readFileSync(file, 'utf8')) as StageRecord<T>;
    return record.files.every((f) => existsSync(this.path(f))) ? record : undefined;
  }

  complete<T>(kind: StageKind, outputs: T, files: string[] = []): void {
    const record: StageRecord<T> = { kind, finishedAt: new Date().toISOString(), files, outputs };
    writeFileAtomic(join(this.runDir, 'stages', `${kind}.json`), [Buffer.from(JSON.stringify(record, null, 2))]);
  }
}
