/** The API on a plain Node HTTP server (no Next.js): integration tests and head-less use. */
import { once } from 'node:events';
import http from 'node:http';
import { Readable } from 'node:stream';
import type { ContextDeps, TransportInfo } from '../trpc/context';
import { handleArtifactDownload, handleArtifactUpload, handleRunFileDownload } from '../artifacts/artifact-http';
import { startLeaseReaper } from '../services/lease-reaper';
import { startCheckpointRetention } from '../artifacts/checkpoint-retention';
import { handleTrpcRequest } from './handler';

/** tRPC under /api/trpc, artifact files under /api/artifacts (as the portal's Next routes do). */
function route(request: Request, url: URL, deps: ContextDeps, transport: TransportInfo): Promise<Response> {
  const artifact = /^\/api\/artifacts\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
  if (artifact && request.method === 'PUT' && artifact[2]) {
    return handleArtifactUpload(request, deps, decodeURIComponent(artifact[1]), decodeURIComponent(artifact[2]));
  }
  if (artifact && request.method === 'GET' && !artifact[2]) return handleArtifactDownload(request, deps, decodeURIComponent(artifact[1]));
  if (artifact && request.method === 'GET' && artifact[2]) {
    return handleRunFileDownload(request, deps, decodeURIComponent(artifact[1]), decodeURIComponent(artifact[2]));
  }
  return handleTrpcRequest(request, deps, transport);
}

export async function startApiServer(deps: ContextDeps, port = 0, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(url, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
        // @ts-expect-error Node's fetch needs this for streamed bodies
        duplex: 'half',
      });
      const response = await route(request, url, deps, { remoteAddress: req.socket.remoteAddress });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        // waits for the socket to drain, so a large file is streamed, not queued in memory
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const reaper = startLeaseReaper(deps.db);
  const retention = startCheckpointRetention(deps.db);
  const address = server.address() as { port: number };
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        reaper.stop();
        retention.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
