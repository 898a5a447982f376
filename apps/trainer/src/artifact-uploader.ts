import { isTransient, withRetry } from './retry';

export type ArtifactKind = 'figure' | 'eval-table' | 'log';

/** Sends a run's files to the portal (PUT /api/artifacts/<run>/<name>), retrying while it is away. */
export function createArtifactUploader(portalUrl: string, token: string) {
  return async (runId: string, kind: ArtifactKind, name: string, data: Uint8Array): Promise<void> => {
    const url = new URL(`/api/artifacts/${encodeURIComponent(runId)}/${encodeURIComponent(name)}?kind=${kind}`, portalUrl);
    await withRetry(
      async () => {
        const response = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: new Uint8Array(data) });
        if (!response.ok) {
          const error = new Error(`artifact ${name}: HTTP ${response.status} ${await response.text()}`);
          // 5xx is worth retrying; a 4xx will not get better
          Object.assign(error, { data: response.status >= 500 ? undefined : { code: 'BAD_REQUEST' } });
          throw error;
        }
      },
      { retryIf: isTransient, retries: 20 },
    );
  };
}

export type ArtifactUploader = ReturnType<typeof createArtifactUploader>;
