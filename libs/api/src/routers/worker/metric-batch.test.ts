/** The binary form of a metric batch: what goes in comes out bit for bit, and every malformed body is refused with its reason. */
import { describe, expect, it } from 'vitest';
import { decodeMetricBatch, encodeMetricBatch, METRIC_BATCH_VERSION } from './metric-batch';
import { MAX_POINTS_PER_BATCH } from './metric-fields';

const bitsOf = (values: ArrayLike<number>) => Array.from(values, (v) => Buffer.from(new Float64Array([v]).buffer).toString('hex'));

function decoded(bytes: Uint8Array) {
  const result = decodeMetricBatch(bytes);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return result.batch;
}

function refusal(bytes: Uint8Array): string {
  const result = decodeMetricBatch(bytes);
  if (result.ok) throw new Error('accepted');
  return result.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
}

const sample = () => ({
  workerId: 'worker-1',
  runId: 'run-ü',
  series: [
    { key: 'loss', steps: [0, 1, 2 ** 31 - 1], values: [0.1, Number.NaN, -0], wallTimes: [1764900000000, 1764900000001.5, 0] },
    { key: 'acc', steps: new Int32Array([5]), values: new Float64Array([Number.NEGATIVE_INFINITY]), wallTimes: new Float64Array([-1]) },
    { key: 'empty', steps: [], values: [], wallTimes: [] },
  ],
});

/** A copy of `bytes` with the 32-bit little-endian word at `offset` replaced. */
function patched(bytes: Uint8Array, offset: number, write: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  write(new DataView(copy.buffer, offset));
  return copy;
}

describe('metric batch (binary form of worker.logMetrics)', () => {
  it('gives back the ids, keys and every number bit for bit (NaN, ±Infinity, -0, fractional wall times), number arrays and typed arrays alike', () => {
    const batch = decoded(encodeMetricBatch(sample()));
    expect(batch.workerId).toBe('worker-1');
    expect(batch.runId).toBe('run-ü');
    expect(batch.series.map((s) => s.key)).toEqual(['loss', 'acc', 'empty']);
    const sent = sample().series;
    batch.series.forEach((columns, s) => {
      expect(Array.from(columns.steps)).toEqual(Array.from(sent[s].steps));
      expect(bitsOf(columns.values)).toEqual(bitsOf(sent[s].values));
      expect(bitsOf(columns.wallTimes)).toEqual(bitsOf(sent[s].wallTimes));
    });
    expect(Object.is(batch.series[0].values[2], -0)).toBe(true);
  });

  it('decodes from any byte offset (a body copied into a larger buffer)', () => {
    const bytes = encodeMetricBatch(sample());
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    expect(decoded(shifted.subarray(3)).series[0].values[0]).toBe(0.1);
  });

  it('refuses to encode a step a 32-bit integer cannot carry, or columns of different lengths', () => {
    const one = (steps: number[]) => ({ workerId: 'w', runId: 'r', series: [{ key: 'k', steps, values: steps.map(() => 1), wallTimes: steps.map(() => 0) }] });
    expect(() => encodeMetricBatch(one([1.5]))).toThrow(/step 1.5 is not an integer/);
    expect(() => encodeMetricBatch(one([-1]))).toThrow(/step -1 is not an integer/);
    expect(() => encodeMetricBatch(one([2 ** 31]))).toThrow(/step 2147483648 is not an integer/);
    expect(() => encodeMetricBatch({ workerId: 'w', runId: 'r', series: [{ key: 'k', steps: [0, 1], values: [1], wallTimes: [0, 0] }] })).toThrow(/one entry per point; got 2, 1 and 2/);
  });

  it('refuses what is not a batch of this version, or has bytes missing or left over', () => {
    const bytes = encodeMetricBatch(sample());
    expect(refusal(bytes.subarray(0, 5))).toMatch(/not a metric batch: 5 bytes/);
    expect(refusal(new TextEncoder().encode('{"workerId":"w","runId":"r"}'))).toMatch(/does not start with KTMB/);
    expect(refusal(patched(bytes, 4, (v) => v.setUint16(0, METRIC_BATCH_VERSION + 1, true)))).toMatch(/version 2; this portal reads version 1/);
    expect(refusal(bytes.subarray(0, bytes.byteLength - 1))).toMatch(/must be \d+ bytes; got \d+/);
    const longer = new Uint8Array(bytes.byteLength + 8);
    longer.set(bytes);
    expect(refusal(longer)).toMatch(/must be \d+ bytes; got \d+/);
    expect(refusal(patched(bytes, 8, (v) => v.setUint32(0, 2 ** 31, true)))).toMatch(/header of 2147483648 bytes/);
  });

  it('checks the header as the JSON form is checked: ids, keys, point count', () => {
    const with_ = (header: object, points = 0) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const columnsAt = (12 + json.length + 7) & ~7;
      const bytes = new Uint8Array(columnsAt + points * 20);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, 0x424d544b, true);
      view.setUint16(4, 1, true);
      view.setUint32(8, json.length, true);
      bytes.set(json, 12);
      return bytes;
    };
    expect(refusal(with_({ workerId: '', runId: 'r', series: [{ key: 'k', count: 1 }] }, 1))).toMatch(/^workerId: /);
    expect(refusal(with_({ workerId: 'w', runId: 'r', series: [{ key: 'x'.repeat(201), count: 1 }] }, 1))).toMatch(/^series\.0\.key: /);
    expect(refusal(with_({ workerId: 'w', runId: 'r', series: [{ key: 'k', count: 1.5 }] }, 1))).toMatch(/^series\.0\.count: /);
    expect(refusal(with_({ workerId: 'w', runId: 'r', series: [] }))).toMatch(/no points: send at least one/);
    const many = [{ key: 'a', count: MAX_POINTS_PER_BATCH }, { key: 'b', count: 1 }];
    expect(refusal(with_({ workerId: 'w', runId: 'r', series: many }, MAX_POINTS_PER_BATCH + 1))).toMatch(/10001 points in one batch; at most 10000/);
    const notJson = with_({ workerId: 'w', runId: 'r', series: [] });
    notJson[12] = 0xff;
    expect(refusal(notJson)).toMatch(/header is not UTF-8 JSON/);
  });

  it('names each point whose step is negative or whose wall time is not finite', () => {
    const bytes = encodeMetricBatch({ workerId: 'w', runId: 'r', series: [{ key: 'k', steps: [0, 1, 2], values: [1, 2, 3], wallTimes: [0, 0, 0] }] });
    const columnsAt = bytes.byteLength - 3 * 20;
    // steps are the last column (i32 × 3), wall times the one before (f64 × 3)
    const negative = patched(bytes, columnsAt + 48 + 4, (v) => v.setInt32(0, -5, true));
    expect(refusal(negative)).toBe('series.0.steps.1: step -5 is not an integer 0…2147483647');
    const infinite = patched(bytes, columnsAt + 24 + 16, (v) => v.setFloat64(0, Number.POSITIVE_INFINITY, true));
    expect(refusal(infinite)).toBe('series.0.wallTimes.2: wall time Infinity is not a finite number of milliseconds');
  });
});
