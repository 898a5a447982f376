/**
 * The binary form of a `worker.logMetrics` batch: what the trainer sends (as `application/octet-stream`, which
 * tRPC's httpLink does for a Uint8Array input). Numbers travel as IEEE doubles and 32-bit integers, so nothing
 * is printed, parsed or walked per point on either side (JSON text and superjson's walk cost the API more per
 * point than the database insert), and NaN and ±Infinity are carried as they are.
 *
 * Layout, little-endian:
 *
 *     0   'KTMB'
 *     4   u16 version (1), u16 0
 *     8   u32 H, the header's length in bytes
 *    12   header: UTF-8 JSON {"workerId", "runId", "series": [{"key", "count"}, …]}
 *         zero bytes up to a multiple of 8
 *         values     f64 × n   (n = the counts' sum; series after series, in the header's order)
 *         wallTimes  f64 × n   (milliseconds since the epoch, Date.getTime())
 *         steps      i32 × n
 *
 * and nothing after. `decodeMetricBatch` checks all of it as the JSON forms' zod schemas check theirs (same
 * field rules, from metric-fields.ts) and says what is wrong where (`series.0.steps.12: …`).
 */
import { z } from 'zod';
import { keySchema, MAX_POINTS_PER_BATCH, MAX_STEP } from './metric-fields';

/** One key's points as parallel columns: number arrays (the JSON form) or typed arrays (the binary form). */
export interface MetricColumnsLike {
  key: string;
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Milliseconds since the epoch (Date.getTime()). */
  wallTimes: ArrayLike<number>;
}

export interface MetricBatch<Columns extends MetricColumnsLike = MetricColumnsLike> {
  workerId: string;
  runId: string;
  series: Columns[];
}

export interface DecodedMetricColumns extends MetricColumnsLike {
  steps: Int32Array;
  values: Float64Array;
  wallTimes: Float64Array;
}

declare const encodedMetricBatch: unique symbol;
/** Bytes made by encodeMetricBatch: the only byte input `worker.logMetrics` is typed to take. */
export type EncodedMetricBatch = Uint8Array<ArrayBuffer> & { readonly [encodedMetricBatch]: true };

export const METRIC_BATCH_VERSION = 1;
const MAGIC = 0x424d544b; // 'KTMB' as a little-endian u32
const PREFIX_BYTES = 12;
const BYTES_PER_POINT = 8 + 8 + 4;
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const align8 = (n: number) => (n + 7) & ~7;

function checkColumns(columns: MetricColumnsLike, s: number): void {
  const count = columns.steps.length;
  if (columns.values.length !== count || columns.wallTimes.length !== count) {
    throw new Error(
      `metric batch, series ${s} (${columns.key}): steps, values and wallTimes must have one entry per point; got ${count}, ${columns.values.length} and ${columns.wallTimes.length}`,
    );
  }
  // an Int32Array would silently truncate or wrap what it cannot hold
  for (let i = 0; i < count; i++) {
    const step = columns.steps[i];
    if (!Number.isInteger(step) || step < 0 || step > MAX_STEP) throw new Error(`metric batch, series ${s} (${columns.key}): step ${step} is not an integer 0…${MAX_STEP}`);
  }
}

/** `target[at…]` = `source`, in little-endian order whatever the host's. */
function writeColumn(view: DataView, target: Float64Array | Int32Array, at: number, source: ArrayLike<number>): void {
  if (hostIsLittleEndian) {
    target.set(source, at);
    return;
  }
  const width = target.BYTES_PER_ELEMENT;
  const base = target.byteOffset + at * width;
  for (let i = 0; i < source.length; i++) {
    if (width === 8) view.setFloat64(base + i * 8, source[i], true);
    else view.setInt32(base + i * 4, source[i], true);
  }
}

/**
 * The batch's binary form. Steps must be integers 0…2³¹−1 (they are sent as 32-bit integers; anything else
 * throws here); the API checks the rest (keys, wall times, the point count) as it checks the JSON forms.
 */
export function encodeMetricBatch(batch: MetricBatch): EncodedMetricBatch {
  let total = 0;
  batch.series.forEach((columns, s) => {
    checkColumns(columns, s);
    total += columns.steps.length;
  });
  const header = new TextEncoder().encode(
    JSON.stringify({ workerId: batch.workerId, runId: batch.runId, series: batch.series.map((c) => ({ key: c.key, count: c.steps.length })) }),
  );
  const columnsAt = align8(PREFIX_BYTES + header.length);
  const bytes = new Uint8Array(columnsAt + total * BYTES_PER_POINT);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, METRIC_BATCH_VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREFIX_BYTES);
  const values = new Float64Array(bytes.buffer, columnsAt, total);
  const wallTimes = new Float64Array(bytes.buffer, columnsAt + 8 * total, total);
  const steps = new Int32Array(bytes.buffer, columnsAt + 16 * total, total);
  let at = 0;
  for (const columns of batch.series) {
    writeColumn(view, values, at, columns.values);
    writeColumn(view, wallTimes, at, columns.wallTimes);
    writeColumn(view, steps, at, columns.steps);
    at += columns.steps.length;
  }
  return bytes as EncodedMetricBatch;
}

export interface MetricBatchIssue {
  path: (string | number)[];
  message: string;
}

export type DecodedMetricBatch = { ok: true; batch: MetricBatch<DecodedMetricColumns> } | { ok: false; issues: MetricBatchIssue[] };

const headerSchema = z
  .object({
    workerId: z.string().min(1),
    runId: z.string().min(1),
    series: z.array(z.object({ key: keySchema, count: z.number().int().min(0).max(MAX_POINTS_PER_BATCH) })).max(MAX_POINTS_PER_BATCH),
  })
  .superRefine((header, ctx) => {
    const count = header.series.reduce((n, s) => n + s.count, 0);
    if (count === 0) ctx.addIssue({ code: 'custom', message: 'no points: send at least one' });
    if (count > MAX_POINTS_PER_BATCH) ctx.addIssue({ code: 'custom', message: `${count} points in one batch; at most ${MAX_POINTS_PER_BATCH}` });
  });

/** `count` numbers of `width` bytes at `offset` of `bytes` (any alignment), in a fresh typed array. */
function readColumn<T extends Float64Array | Int32Array>(bytes: Uint8Array, offset: number, count: number, make: (n: number) => T): T {
  const column = make(count);
  const width = column.BYTES_PER_ELEMENT;
  if (hostIsLittleEndian) {
    new Uint8Array(column.buffer).set(bytes.subarray(offset, offset + count * width));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * width);
    for (let i = 0; i < count; i++) column[i] = width === 8 ? view.getFloat64(i * 8, true) : view.getInt32(i * 4, true);
  }
  return column;
}

const refuse = (message: string, path: (string | number)[] = []): DecodedMetricBatch => ({ ok: false, issues: [{ path, message }] });

/** The batch in `bytes` (encodeMetricBatch's layout), every field checked; or what is wrong with it. */
export function decodeMetricBatch(bytes: Uint8Array): DecodedMetricBatch {
  if (bytes.byteLength < PREFIX_BYTES) return refuse(`not a metric batch: ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return refuse('not a metric batch: it does not start with KTMB');
  const version = view.getUint16(4, true);
  if (version !== METRIC_BATCH_VERSION) return refuse(`metric batch version ${version}; this portal reads version ${METRIC_BATCH_VERSION}`);
  const headerBytes = view.getUint32(8, true);
  if (headerBytes > bytes.byteLength - PREFIX_BYTES) return refuse(`metric batch header of ${headerBytes} bytes in a body of ${bytes.byteLength}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes)));
  } catch (error) {
    return refuse(`metric batch header is not UTF-8 JSON: ${(error as Error).message}`);
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message })) };
  const header = parsed.data;
  const total = header.series.reduce((n, s) => n + s.count, 0);
  const columnsAt = align8(PREFIX_BYTES + headerBytes);
  const expected = columnsAt + total * BYTES_PER_POINT;
  if (bytes.byteLength !== expected) return refuse(`metric batch of ${total} points must be ${expected} bytes; got ${bytes.byteLength}`);

  const values = readColumn(bytes, columnsAt, total, (n) => new Float64Array(n));
  const wallTimes = readColumn(bytes, columnsAt + 8 * total, total, (n) => new Float64Array(n));
  const steps = readColumn(bytes, columnsAt + 16 * total, total, (n) => new Int32Array(n));
  const issues: MetricBatchIssue[] = [];
  const series: DecodedMetricColumns[] = [];
  let at = 0;
  header.series.forEach(({ key, count }, s) => {
    for (let i = at; i < at + count && issues.length < 10; i++) {
      // any double is a value; a step is an i32 here, so only its sign can be wrong
      if (steps[i] < 0) issues.push({ path: ['series', s, 'steps', i - at], message: `step ${steps[i]} is not an integer 0…${MAX_STEP}` });
      if (!Number.isFinite(wallTimes[i])) issues.push({ path: ['series', s, 'wallTimes', i - at], message: `wall time ${wallTimes[i]} is not a finite number of milliseconds` });
    }
    series.push({ key, steps: steps.subarray(at, at + count), values: values.subarray(at, at + count), wallTimes: wallTimes.subarray(at, at + count) });
    at += count;
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, batch: { workerId: header.workerId, runId: header.runId, series } };
}
