import { describe, expect, it } from 'vitest';
import type { PortalClient } from './api-client';
import { LogShipper } from './log-shipper';

type Batch = { attempt: number; lines: { seq: number; message: string }[] };

/** A portal stand-in that stores lines by seq (as the real one does) and can fail the next calls. */
function fakePortal(failures: unknown[] = []) {
  const stored = new Map<number, string>();
  const calls: Batch[] = [];
  const client = {
    worker: {
      appendLogs: {
        mutate: async (input: Batch) => {
          calls.push(input);
          const failure = failures.shift();
          // the portal stored the batch but the answer was lost
          for (const line of input.lines) if (!stored.has(line.seq)) stored.set(line.seq, line.message);
          if (failure) throw failure;
          return { inserted: input.lines.length };
        },
      },
    },
  } as unknown as PortalClient;
  return { client, stored, calls };
}

describe('log shipper', () => {
  it('numbers lines within the attempt and re-sends after a lost answer without doubling', async () => {
    const portal = fakePortal([new Error('socket hang up')]);
    const shipper = new LogShipper(portal.client, { workerId: 'w', runId: 'r', attempt: 3 }, { intervalMs: 60_000 });
    shipper.append('one');
    shipper.append('two');
    await shipper.flush();
    shipper.append('x'.repeat(5000));
    await shipper.close();
    expect([...portal.stored.entries()].map(([seq, message]) => [seq, message.length > 10 ? message.length : message])).toEqual([
      [0, 'one'],
      [1, 'two'],
      [2, 4000],
    ]);
    expect(portal.calls.map((call) => call.lines.map((line) => line.seq))).toEqual([[0, 1], [0, 1], [2]]);
    expect(portal.calls.every((call) => call.attempt === 3)).toBe(true);
  });

  it('drops its buffer when the portal refuses (the run moved on) and never throws', async () => {
    const refused = Object.assign(new Error('run r is not held by this worker'), { data: { code: 'CONFLICT' } });
    const portal = fakePortal([refused]);
    const messages: string[] = [];
    const shipper = new LogShipper(portal.client, { workerId: 'w', runId: 'r', attempt: 1 }, { intervalMs: 60_000, log: (m) => messages.push(m) });
    shipper.append('late line');
    await expect(shipper.close()).resolves.toBeUndefined();
    expect(portal.calls).toHaveLength(1);
    expect(messages[0]).toMatch(/not sent to the portal: run r is not held/);
  });
});
