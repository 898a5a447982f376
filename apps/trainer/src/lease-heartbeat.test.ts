/**
 * The heartbeat thread against a stand-in portal (a local HTTP server answering tRPC's wire format): what it
 * sends and which answers reach the daemon. That it keeps the lease while the main thread is blocked is proven
 * with a real trainer process in lease-under-load.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import superjson from 'superjson';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseHeartbeat, type HeartbeatAnswer } from './lease-heartbeat';
import { waitFor } from './test-support';

interface Beat {
  path: string;
  authorization: string | undefined;
  input: { workerId: string; runId?: string; taskIds?: string[] };
}

/** A portal that records each heartbeat and answers with `reply` (a status, and an answer for 200). */
async function standInPortal(reply: (beat: Beat) => { status: number; answer?: HeartbeatAnswer | { held: string[] } }) {
  const beats: Beat[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const beat: Beat = { path: request.url ?? '', authorization: request.headers.authorization, input: superjson.deserialize(JSON.parse(body) as never) };
      beats.push(beat);
      const { status, answer } = reply(beat);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(status === 200 ? { result: { data: superjson.serialize(answer) } } : { error: { json: { message: 'down' } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, beats, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('lease heartbeat thread', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('sends worker.heartbeat with the token and the held run, and hands the daemon only answers about the run held now', async () => {
    const portal = await standInPortal((beat) => ({ status: 200, answer: { holdsRun: beat.input.runId === 'run-b', cancelRequested: false } }));
    cleanups.push(portal.close);
    const heartbeat = new LeaseHeartbeat({ portalUrl: portal.url, token: 'ktw_secret' });
    cleanups.push(() => heartbeat.stop());
    const answers: [string, HeartbeatAnswer][] = [];
    heartbeat.start('worker-1', 20, (runId, answer) => answers.push([runId, answer]));

    await waitFor(async () => portal.beats.length >= 2, 10_000, 'beats without a run');
    expect(portal.beats[0]).toEqual({ path: '/api/trpc/worker.heartbeat', authorization: 'Bearer ktw_secret', input: { workerId: 'worker-1' } });
    expect(answers).toEqual([]); // no run held: nothing to tell the daemon

    heartbeat.hold('run-a');
    await waitFor(async () => answers.length > 0, 10_000, 'an answer about run-a');
    expect(answers[0]).toEqual(['run-a', { holdsRun: false, cancelRequested: false }]);

    heartbeat.hold('run-b');
    const beatsBefore = portal.beats.length;
    await waitFor(async () => answers.some(([runId]) => runId === 'run-b'), 10_000, 'an answer about run-b');
    // every answer given under run-b's hold is about run-b, even those to beats the thread sent for run-a
    const sinceHoldB = answers.slice(answers.findIndex(([runId]) => runId === 'run-b'));
    expect(sinceHoldB.every(([runId, answer]) => runId === 'run-b' && answer.holdsRun)).toBe(true);
    expect(portal.beats.slice(beatsBefore).some((beat) => beat.input.runId === 'run-b')).toBe(true);
  });

  it('renews the leases of the shards being executed, and only while there are some', async () => {
    const portal = await standInPortal((beat) =>
      beat.path === '/api/trpc/shards.heartbeat' ? { status: 200, answer: { held: beat.input.taskIds ?? [] } } : { status: 200, answer: { holdsRun: false, cancelRequested: false } },
    );
    cleanups.push(portal.close);
    const heartbeat = new LeaseHeartbeat({ portalUrl: portal.url, token: 'ktw_secret' });
    cleanups.push(() => heartbeat.stop());
    heartbeat.start('worker-1', 20, () => undefined);
    const shardBeats = () => portal.beats.filter((beat) => beat.path === '/api/trpc/shards.heartbeat');

    await waitFor(async () => portal.beats.length >= 2, 10_000, 'worker beats');
    expect(shardBeats()).toEqual([]);
    heartbeat.holdShards(['task-1']);
    await waitFor(async () => shardBeats().length >= 2, 10_000, 'shard beats');
    expect(shardBeats()[0]).toEqual({ path: '/api/trpc/shards.heartbeat', authorization: 'Bearer ktw_secret', input: { workerId: 'worker-1', taskIds: ['task-1'] } });

    heartbeat.holdShards([]);
    // once the worker beats twice more, the thread has read the release: no shard beat may follow those
    const workerBeats = () => portal.beats.filter((beat) => beat.path === '/api/trpc/worker.heartbeat').length;
    const releasedAt = workerBeats();
    await waitFor(async () => workerBeats() >= releasedAt + 2, 10_000, 'worker beats after the release');
    const shardBeatsThen = shardBeats().length;
    await waitFor(async () => workerBeats() >= releasedAt + 5, 10_000, 'more worker beats');
    expect(shardBeats().length).toBe(shardBeatsThen);
  });

  it('treats a failed beat as no answer: nothing reaches the daemon, and it says so once', async () => {
    const portal = await standInPortal(() => ({ status: 503 }));
    cleanups.push(portal.close);
    const logged: string[] = [];
    const heartbeat = new LeaseHeartbeat({ portalUrl: portal.url, token: 'ktw_secret', log: (message) => logged.push(message) });
    cleanups.push(() => heartbeat.stop());
    const answers: string[] = [];
    heartbeat.start('worker-1', 20, (runId) => answers.push(runId));
    heartbeat.hold('run-a');
    await waitFor(async () => portal.beats.length >= 4, 10_000, 'failed beats');
    expect(answers).toEqual([]);
    // said once; the cause is the 503, or a timeout when this loaded thread answered too late
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^heartbeat: no answer from the portal \((HTTP 503|.*timeout.*)\); retrying$/);
  });
});
