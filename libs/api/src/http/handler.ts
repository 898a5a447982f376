/**
 * The HTTP face of the API, shared by the portal's Next.js route (`/api/trpc`) and by the standalone server
 * used in integration tests and head-less deployments. Request bodies above the limit are refused (413), and
 * cross-site POSTs are refused (403) before any procedure runs.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { crossSiteReason } from '../auth/csrf';
import { appRouter } from '../routers/_app';
import { createContext, type ContextDeps, type TransportInfo } from '../trpc/context';

export const TRPC_ENDPOINT = '/api/trpc';
/** Large enough for a 10,000-point metric batch, small enough to refuse abuse. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

function tooLarge(): Response {
  return Response.json({ error: { message: `request body exceeds the ${MAX_BODY_BYTES}-byte limit` } }, { status: 413 });
}

/** The body read up to the limit, or undefined when it is larger (a missing Content-Length is no way around it). */
async function readLimitedBody(request: Request): Promise<Buffer | undefined> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function handleTrpcRequest(request: Request, deps: ContextDeps, transport: TransportInfo = {}): Promise<Response> {
  const crossSite = crossSiteReason(request);
  if (crossSite) return Response.json({ error: { message: crossSite } }, { status: 403 });
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return tooLarge();
  let req = request;
  if (request.method === 'POST') {
    const body = await readLimitedBody(request);
    if (!body) return tooLarge();
    req = new Request(request.url, { method: "POST", headers: request.headers, body: new Uint8Array(body), signal: request.signal });
  }
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext(deps, req, resHeaders, transport),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'}:`, error);
    },
  });
}
