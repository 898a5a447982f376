/**
 * Evaluation results kept one file per (protocol, layer) cell under `<runDir>/eval/results/`, written as soon as
 * a cell finishes, so a stopped evaluation resumes without redoing finished cells. A file holds the cell's rows, one
 * per metric (an older run's file holds its one row as an object; it is read the same).
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

  /** The finished results of a cell (one per metric), if any. */
  get(protocol: EvalResult['protocol'], layer: string): EvalResult[] | undefined {
    const file = this.file(protocol, layer);
    if (!existsSync(file)) return undefined;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as EvalResult | EvalResult[];
    return Array.isArray(saved) ? saved : [saved];
  }

  /** Saves all rows of one cell at once. */
  save(results: readonly EvalResult[]): void {
    const [first] = results;
    if (!first || results.some((r) => r.protocol !== first.protocol || r.layer !== first.layer)) throw new Error('EvalCells.save: the rows of exactly one (protocol, layer) cell');
    writeFileAtomic(this.file(first.protocol, first.layer), [Buffer.from(JSON.stringify(results))]);
  }
}
