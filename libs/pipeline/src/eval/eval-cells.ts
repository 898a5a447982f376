/**
 * Evaluation results kept one file per (protocol, layer) cell under `<runDir>/eval/results/`, written as soon as
 * a cell finishes, so a stopped evaluation resumes without redoing finished cells.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@ktlab/data';
import type { EvalResult } from '../context';

export class EvalCells {
  private readonly dir: string;

  constructor(runDir: string) {
    this.dir = join(runDir, 'eval', 'results');
    mkdirSync(this.dir, { recursive: true });
  }

  private file(protocol: EvalResult['protocol'], layer: string): string {
    return join(this.dir, `${protocol}-${layer}.json`);
  }

  /** The finished result of a cell, if any. */
  get(protocol: EvalResult['protocol'], layer: string): EvalResult | undefined {
    const file = this.file(protocol, layer);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as EvalResult) : undefined;
  }

  save(result: EvalResult): void {
    writeFileAtomic(this.file(result.protocol, result.layer), [Buffer.from(JSON.stringify(result))]);
  }
}
