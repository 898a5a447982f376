import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { RunFiles } from '@ktlab/pipeline';
import type { CheckpointTransport } from './checkpoint-sync';
import { isTransient, withRetry } from './retry';

export type ArtifactKind = 'figure' | 'eval-table' | 'log' | 'checkpoint' | 'clusters' | 'shard' | 'features' | 'centroids' | 'pseudo-labels' | 'model';

/** What an upload sends: bytes, or a file sent as a stream from disk (a features file may not fit in memory). */
export type ArtifactData = Uint8Array | { file: string };

/** An HTTP error the retry loop understands: 5xx is worth retrying, a 4xx (or a full disk, 507) will not get better. */
async function httpError(what: string, response: Response): Promise<Error> {
  const error = new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  const transient = response.status >= 500 && response.status !== 507;
  return Object.assign(error, { status: response.status, data: transient ? undefined : { code: 'BAD_REQUEST' } });
}

const artifactUrl = (portalUrl: string, runId: string, name: string) =>
  new URL(`/api/artifacts/${encodeURIComponent(runId)}/${encodeURIComponent(name)}`, portalUrl);

/** Sends a run's files to the portal (PUT /api/artifacts/<run>/<name>), retrying while it is away. */
export function createArtifactUploader(portalUrl: string, token: string) {
  return async (runId: string, kind: ArtifactKind, name: string, data: ArtifactData): Promise<void> => {
    const url = artifactUrl(portalUrl, runId, name);
    url.searchParams.set('kind', kind);
    await withRetry(
      async () => {
        // a file is opened again for every attempt, and its length declared so the portal can refuse it up front
        const init: RequestInit & { duplex?: 'half' } =
          data instanceof Uint8Array
            ? { body: new Uint8Array(data) }
            : {
                body: Readable.toWeb(createReadStream(data.file)) as unknown as ReadableStream<Uint8Array>,
                headers: { 'content-length': String((await stat(data.file)).size) },
                duplex: 'half',
              };
        const response = await fetch(url, { ...init, method: 'PUT', headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
        if (!response.ok) throw await httpError(`artifact ${name}`, response);
      },
      { retryIf: isTransient, retries: 20 },
    );
  };
}

export type ArtifactUploader = ReturnType<typeof createArtifactUploader>;

/** Checkpoint files as `checkpoint` artifacts: uploaded like any artifact, read back by the worker holding the run. */
export function createCheckpointTransport(portalUrl: string, token: string, upload = createArtifactUploader(portalUrl, token)): CheckpointTransport {
  return {
    put: (runId, name, data) => upload(runId, 'checkpoint', name, data),
    get: (runId, name) =>
      withRetry(
        async () => {
          const response = await fetch(artifactUrl(portalUrl, runId, name), { headers: { authorization: `Bearer ${token}` } });
          if (response.status === 404) {
            const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
            // "not held" is not "no such file": the worker must not resume a run it no longer holds
            if (body.error?.message?.includes('not held')) throw Object.assign(new Error(body.error.message), { data: { code: 'CONFLICT' } });
            return undefined;
          }
          if (!response.ok) throw await httpError(`checkpoint ${name}`, response);
          return new Uint8Array(await response.arrayBuffer());
        },
        { retryIf: isTransient, retries: 20 },
      ),
  };
}

/** Files of sharded stages as `shard` artifacts, read and written by the run's worker and the workers executing its shards. */
export function createShardFiles(portalUrl: string, token: string, upload = createArtifactUploader(portalUrl, token)): RunFiles {
  return {
    put: (runId, name, data) => upload(runId, 'shard', name, data),
    get: (runId, name) =>
      withRetry(
        async () => {
          const response = await fetch(artifactUrl(portalUrl, runId, name), { headers: { authorization: `Bearer ${token}` } });
          if (!response.ok) throw await httpError(`shard file ${name}`, response);
          return new Uint8Array(await response.arrayBuffer());
        },
        { retryIf: isTransient, retries: 20 },
      ),
  };
}
