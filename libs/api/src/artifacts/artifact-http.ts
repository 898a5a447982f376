/**
 * HTTP endpoints for artifacts (tRPC carries JSON, not files):
 *   PUT /api/artifacts/<run>/<name>?kind=figure   a worker holding the run uploads (Bearer worker token)
 *   GET /api/artifacts/<artifact id>              a member of the run's project downloads (session cookie)
 */
import { TRPCError } from '@trpc/server';
import { bearerToken, findValidToken } from '../auth/worker-token';
import { findSessionUser, readCookie, SESSION_COOKIE } from '../auth/session';
import { requireRunAccess } from '../services/access';
import type { ContextDeps } from '../trpc/context';
import { contentType, MAX_ARTIFACT_BYTES, readArtifact, storeArtifact } from './artifact-store';

const KINDS = new Set(['figure', 'eval-table', 'log', 'checkpoint', 'features', 'centroids', 'pseudo-labels']);

const error = (status: number, message: string) => Response.json({ error: { message } }, { status });

export async function handleArtifactUpload(request: Request, deps: ContextDeps, runId: string, name: string): Promise<Response> {
  const token = await findValidToken(deps.db, bearerToken(request.headers.get('authorization')));
  if (!token) return error(401, 'a valid worker token is required');
  const run = await deps.db.run.findUnique({ where: { id: runId }, select: { status: true, claimedBy: { select: { tokenId: true } } } });
  if (!run) return error(404, `run ${runId} not found`);
  if (run.status !== 'running' || run.claimedBy?.tokenId !== token.id) return error(409, `run ${runId} is not held by a worker of this token`);
  const kind = new URL(request.url).searchParams.get('kind') ?? 'figure';
  if (!KINDS.has(kind)) return error(400, `unknown artifact kind "${kind}"`);
  if (Number(request.headers.get('content-length') ?? 0) > MAX_ARTIFACT_BYTES) return error(413, `artifacts are limited to ${MAX_ARTIFACT_BYTES} bytes`);
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > MAX_ARTIFACT_BYTES) return error(413, `artifacts are limited to ${MAX_ARTIFACT_BYTES} bytes`);
  let stored;
  try {
    stored = await storeArtifact(runId, name, body);
  } catch (cause) {
    return error(400, (cause as Error).message);
  }
  const artifact = await deps.db.artifact.upsert({
    where: { runId_name: { runId, name } },
    create: { runId, name, kind, uri: stored.uri, bytes: BigInt(stored.bytes), sha256: stored.sha256 },
    update: { kind, uri: stored.uri, bytes: BigInt(stored.bytes), sha256: stored.sha256 },
  });
  return Response.json({ id: artifact.id, sha256: stored.sha256, bytes: stored.bytes });
}

export async function handleArtifactDownload(request: Request, deps: ContextDeps, artifactId: string): Promise<Response> {
  const user = await findSessionUser(deps.db, readCookie(request.headers.get('cookie'), SESSION_COOKIE));
  if (!user) return error(401, 'sign in to download artifacts');
  const artifact = await deps.db.artifact.findUnique({ where: { id: artifactId } });
  if (!artifact) return error(404, `artifact ${artifactId} not found`);
  try {
    await requireRunAccess(deps.db, user.id, artifact.runId);
  } catch (cause) {
    if (cause instanceof TRPCError) return error(404, `artifact ${artifactId} not found`);
    throw cause;
  }
  try {
    const data = await readArtifact(artifact.uri, artifact.sha256);
    return new Response(new Uint8Array(data), {
      headers: {
        'content-type': contentType(artifact.name),
        'content-disposition': `inline; filename="${artifact.name}"`,
        'cache-control': 'private, max-age=3600',
      },
    });
  } catch (cause) {
    return error(500, (cause as Error).message);
  }
}
