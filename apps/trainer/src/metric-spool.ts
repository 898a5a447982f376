/**
 * A run's metric points that could not be sent yet, on disk in the worker's state folder
 * (`<KTLAB_HOME>/metrics-spool/<runId>/<segment>.jsonl`), so that a long portal outage costs disk instead of
 * memory and a trainer restarted during it still delivers them.
 *
 * Segments are append-only JSON-lines files, written with one `write` per call on an open descriptor (they
 * survive the process being killed; not fsync'ed, so not a power cut). A segment is sealed when it is full or
 * when a drain starts; sealed segments are sent oldest first and deleted once the portal has every point of
 * them. Re-sending a segment is harmless: the portal keys points by (run, key, step).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint } from './metrics-reporter';

const SEGMENT = /^(\d{8})\.jsonl$/;

/** JSON has no NaN / ±Infinity; a diverging run produces them and the portal stores them. */
function encode(point: MetricPoint): string {
  const value = Number.isFinite(point.value) ? point.value : String(point.value);
  return JSON.stringify({ k: point.key, s: point.step, v: value, t: point.wallTime.getTime() });
}

function decode(line: string): MetricPoint | undefined {
  try {
    const raw = JSON.parse(line) as { k: unknown; s: unknown; v: unknown; t: unknown };
    if (typeof raw.k !== 'string' || !Number.isInteger(raw.s) || typeof raw.t !== 'number') return undefined;
    const value = typeof raw.v === 'number' ? raw.v : Number(raw.v);
    if (typeof raw.v === 'string' && !['NaN', 'Infinity', '-Infinity'].includes(raw.v)) return undefined;
    return { key: raw.k, step: raw.s as number, value, wallTime: new Date(raw.t) };
  } catch {
    return undefined; // the last line of a segment whose writer was killed mid-write
  }
}

export class MetricSpool {
  private fd?: number;
  private openSegment?: number;
  private openCount = 0;
  private pending: number;

  constructor(
    readonly dir: string,
    private readonly options: { segmentPoints?: number } = {},
  ) {
    this.pending = this.segmentNumbers().reduce((sum, n) => sum + this.read(n).length, 0);
  }

  /** The runs with spooled points under a worker's spool folder. */
  static runs(root: string): string[] {
    if (!existsSync(root)) return [];
    return readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory());
  }

  /** When a point was last appended (undefined: nothing spooled). */
  lastWrite(): Date | undefined {
    const times = this.segmentNumbers().map((n) => statSync(this.file(n)).mtimeMs);
    return times.length ? new Date(Math.max(...times)) : undefined;
  }

  /** Points on disk not yet known to be at the portal. */
  get size(): number {
    return this.pending;
  }

  append(points: readonly MetricPoint[]): void {
    const limit = this.options.segmentPoints ?? 10_000;
    for (let i = 0; i < points.length; ) {
      const fd = this.fd === undefined || this.openCount >= limit ? this.rotate() : this.fd;
      const take = points.slice(i, i + (limit - this.openCount));
      writeSync(fd, take.map((point) => `${encode(point)}\n`).join(''));
      this.openCount += take.length;
      this.pending += take.length;
      i += take.length;
    }
  }

  /**
   * The oldest segment, sealed (the open one is sealed first, so appends made while it is sent go to a new
   * one), with its points; undefined when nothing is spooled.
   */
  oldest(): { segment: number; points: MetricPoint[] } | undefined {
    const [segment] = this.segmentNumbers();
    if (segment === undefined) return undefined;
    if (segment === this.openSegment) this.seal();
    return { segment, points: this.read(segment) };
  }

  /** The portal has every point of this segment (`count` of them, as `oldest` returned). */
  remove(segment: number, count: number): void {
    rmSync(this.file(segment), { force: true });
    this.pending = Math.max(0, this.pending - count);
  }

  /** Closes the open segment (the process may keep running, its points stay on disk). */
  seal(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.openSegment = undefined;
    this.openCount = 0;
  }

  /** Forgets everything spooled (the run moved to another worker, which replays from its checkpoint). */
  destroy(): void {
    this.seal();
    rmSync(this.dir, { recursive: true, force: true });
    this.pending = 0;
  }

  private rotate(): number {
    this.seal();
    mkdirSync(this.dir, { recursive: true });
    const next = (this.segmentNumbers().at(-1) ?? 0) + 1;
    this.fd = openSync(this.file(next), 'a');
    this.openSegment = next;
    return this.fd;
  }

  private read(segment: number): MetricPoint[] {
    if (!existsSync(this.file(segment))) return [];
    return readFileSync(this.file(segment), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(decode)
      .filter((point): point is MetricPoint => point !== undefined);
  }

  private segmentNumbers(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  private file(segment: number): string {
    return join(this.dir, `${String(segment).padStart(8, '0')}.jsonl`);
  }
}
