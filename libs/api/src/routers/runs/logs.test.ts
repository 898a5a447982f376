import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

const smoke = { kind: 'smoke' as const };

describe('run logs', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ seq: from + i, time: new Date(), message: `line ${from + i}` }));

  it('stores each (attempt, seq) once however often a batch is re-sent, and pages from the newest', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: smoke });
    const { caller, workerId } = await api.newWorker('logger');
    await caller.worker.claim({ workerId });
    expect((await caller.worker.appendLogs({ workerId, runId: run.id, attempt: 1, lines: lines(0, 3) })).inserted).toBe(3);
    // the response to the first batch was "lost": the trainer re-sends it with the next lines
    expect((await caller.worker.appendLogs({ workerId, runId: run.id, attempt: 1, lines: lines(0, 5) })).inserted).toBe(2);
    expect((await caller.worker.appendLogs({ workerId, runId: run.id, attempt: 1, lines: lines(0, 5) })).inserted).toBe(0);
    await expect(caller.worker.appendLogs({ workerId, runId: run.id, attempt: 2, lines: lines(0, 1) })).rejects.toMatchObject({ code: 'CONFLICT' });

    // attempt 2 (after the lease expired) starts its own numbering; its lines come after attempt 1's
    await api.db.run.update({ where: { id: run.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    expect((await caller.worker.claim({ workerId }))?.attempt).toBe(2);
    await expect(caller.worker.appendLogs({ workerId, runId: run.id, attempt: 1, lines: lines(5, 6) })).rejects.toMatchObject({ code: 'CONFLICT' });
    await caller.worker.appendLogs({ workerId, runId: run.id, attempt: 2, lines: lines(0, 2) });

    const tail = await api.user.runs.logs({ runId: run.id, limit: 4 });
    expect(tail.lines.map((l) => `${l.attempt}:${l.message}`)).toEqual(['1:line 3', '1:line 4', '2:line 0', '2:line 1']);
    expect(tail.nextCursor).toEqual({ attempt: 1, seq: 3 });
    const older = await api.user.runs.logs({ runId: run.id, limit: 4, cursor: tail.nextCursor });
    expect(older.lines.map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(older.nextCursor).toBeNull();
  });

  it('takes lines only from the worker holding the run, and shows them only to project members', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: smoke });
    const holder = await api.newWorker('holder');
    const other = await api.newWorker('other');
    await holder.caller.worker.claim({ workerId: holder.workerId });
    await expect(other.caller.worker.appendLogs({ workerId: other.workerId, runId: run.id, attempt: 1, lines: lines(0, 1) })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(other.caller.worker.appendLogs({ workerId: holder.workerId, runId: run.id, attempt: 1, lines: lines(0, 1) })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await holder.caller.worker.appendLogs({ workerId: holder.workerId, runId: run.id, attempt: 1, lines: lines(0, 1) });
    const outsider = await api.newUser('Outsider', { projects: ['elsewhere'] });
    await expect(outsider.caller.runs.logs({ runId: run.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await api.user.runs.logs({ runId: run.id })).lines).toHaveLength(1);
  });
});
