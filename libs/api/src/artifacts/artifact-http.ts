/**
 * HTTP endpoints for artifacts (tRPC carries JSON, not files):
 *   PUT /api/artifacts/<run>/<name>?kind=figure   a worker holding the run uploads (Bearer worker token); a
 *                                                 project member its figures and cluster files if the run was
 *                                                 published (runs.import)
 *   GET /api/artifacts/<artifact id>              a member of the run's project downloads (session cookie)
 *   GET /api/artifacts/<run>/<name>               a worker reads back a run file (Bearer worker token): the
 *                                                 run's holder its checkpoints (to resume on another machine);
 *                                                 the holder or a worker executing one of the run's shards its
 *                                                 `shard` files (feature shards, centroids, partial sums)
 * A worker executing one of a run's shards may also PUT that run's `shard` files.
 */
import { TRPCError } from '@trpc/server';
import { bearerToken, findValidToken } from '../auth/worker-token';
import { findSessionUser, readCookie, SESSION_COOKIE } from '../auth/session';
import { requireRunAccess } from '../services/access';
import type { ContextDeps } from '../trpc/context';
import { CHECKPOINT_MANIFEST, pruneCheckpointBlobs } from './checkpoint-gc';
import { ArtifactTooLargeError, assertArtifactName, contentType, maxArtifactBytes, openArtifactStream, readArtifact, storeArtifact } from './artifact-store';
import { crossSiteReason } from '../auth/csrf';

const KINDS = new Set(['figure', 'eval-table', 'log', 'checkpoint', 'features', 'centroids', 'pseudo-labels', 'model', 'clusters', 'shard']);

/** What members download: not the worker-only checkpoint and shard files. */
const DOWNLOADABLE_KINDS = new Set([...KINDS].filter((kind) => kind !== 'checkpoint' && kind !== 'shard'));

/** Files of sharded stages, exchanged between the run's worker and the workers executing its shards. */
const SHARD_KIND = 'shard';

const error = (status: number, message: string) => Response.json({ error: { message } }, { status });

export async function handleArtifactUpload(request: Request, deps: ContextDeps, runId: string, name: string): Promise<Response> {
  const token = await findValidToken(deps.db, bearerToken(request.headers.get('authorization')));
  const kind = new URL(request.url).searchParams.get('kind') ?? 'figure';
  if (!token) {
    const refused = await refusePublisherUpload(request, deps, runId, kind);
    if (refused) return refused;
  } else {
    const run = await deps.db.run.findUnique({ where: { id: runId }, select: { status: true, claimedBy: { select: { tokenId: true } } } });
    if (!run) return error(404, `run ${runId} not found`);
    if (!KINDS.has(kind)) return error(400, `unknown artifact kind "${kind}"`);
    const holds = run.status === 'running' && run.claimedBy?.tokenId === token.id;
    if (!holds && !(kind === SHARD_KIND && (await executesShardOf(deps, token.id, runId)))) {
      return error(409, `run ${runId} is not held by a worker of this token`);
    }
  }
  const limit = maxArtifactBytes(kind);
  if (Number(request.headers.get('content-length') ?? 0) > limit) return error(413, `${kind} artifacts are limited to ${limit} bytes`);
  try {
    assertArtifactName(name);
  } catch (cause) {
    return error(400, (cause as Error).message);
  }
  let stored;
  try {
    // written to disk as it arrives: a features file of a large dataset is never held in memory
    stored = await storeArtifact(runId, name, request.body ?? new Uint8Array(0), limit);
  } catch (cause) {
    if (cause instanceof ArtifactTooLargeError) return error(413, `${kind} artifacts are limited to ${limit} bytes`);
    // Nothing is recorded: the row is written only after the file is complete on disk. 507 (Insufficient
    // Storage) tells the worker that sending again will not help, so its run fails with this message.
    return error(507, `could not store artifact ${name}: ${(cause as Error).message}`);
  }
  const artifact = await deps.db.artifact.upsert({
    where: { runId_name: { runId, name } },
    create: { runId, name, kind, uri: stored.uri, bytes: BigInt(stored.bytes), sha256: stored.sha256 },
    update: { kind, uri: stored.uri, bytes: BigInt(stored.bytes), sha256: stored.sha256 },
  });
  if (kind === 'checkpoint' && name === CHECKPOINT_MANIFEST) await pruneCheckpointBlobs(deps.db, runId, await readArtifact(stored.uri, stored.sha256));
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
  if (!DOWNLOADABLE_KINDS.has(artifact.kind)) return error(404, `artifact ${artifactId} not found`);
  try {
    const { stream, bytes } = await openArtifactStream(artifact.uri, artifact.sha256);
    return new Response(stream, {
      headers: {
        'content-type': contentType(artifact.name),
        'content-length': String(bytes),
        // figures are shown in the page; every other file is saved under its name
        'content-disposition': `${artifact.kind === 'figure' || artifact.kind === 'clusters' ? 'inline' : 'attachment'}; filename="${artifact.name}"`,
        'cache-control': 'private, max-age=3600',
      },
    });
  } catch (cause) {
    return error(500, (cause as Error).message);
  }
}

/**
 * Without a worker token: a member of the run's project (session cookie) may upload the figures of a run that was
 * published from outside the portal (`runs.import`, e.g. `ktlab publish`); no worker ever holds such a run.
 */
/** What a publisher may add to a published run: what its run page and cluster browser show. */
const PUBLISHED_KINDS = new Set(['figure', 'clusters']);

async function refusePublisherUpload(request: Request, deps: ContextDeps, runId: string, kind: string): Promise<Response | undefined> {
  const user = await findSessionUser(deps.db, readCookie(request.headers.get('cookie'), SESSION_COOKIE));
  if (!user) return error(401, 'a valid worker token is required');
  const crossSite = crossSiteReason(request);
  if (crossSite) return error(403, crossSite);
  const run = await deps.db.run.findFirst({ where: { id: runId, project: { members: { some: { userId: user.id } } } }, select: { importedFrom: true } });
  if (!run) return error(404, `run ${runId} not found`);
  if (run.importedFrom === null || !PUBLISHED_KINDS.has(kind)) {
    return error(403, 'only the figures and cluster files of runs published from outside the portal can be uploaded with a session; workers upload the rest');
  }
  return undefined;
}

/** Whether a worker of this token is executing one of the run's shards right now (the run still running). */
async function executesShardOf(deps: ContextDeps, tokenId: string, runId: string): Promise<boolean> {
  const count = await deps.db.shardTask.count({ where: { runId, status: 'running', run: { status: 'running' }, claimedBy: { tokenId } } });
  return count > 0;
}

/**
 * A worker reads back a run file: `checkpoint` files only for the run it holds (to resume it), `shard` files also
 * while it executes one of the run's shards. A token cannot read any other run's files.
 */
export async function handleRunFileDownload(request: Request, deps: ContextDeps, runId: string, name: string): Promise<Response> {
  const token = await findValidToken(deps.db, bearerToken(request.headers.get('authorization')));
  if (!token) return error(401, 'a valid worker token is required');
  const run = await deps.db.run.findUnique({ where: { id: runId }, select: { status: true, claimedBy: { select: { tokenId: true } } } });
  const holds = run?.status === 'running' && run.claimedBy?.tokenId === token.id;
  const artifact = holds || (await executesShardOf(deps, token.id, runId)) ? await deps.db.artifact.findUnique({ where: { runId_name: { runId, name } } }) : undefined;
  if (artifact === undefined) return error(404, `run ${runId} is not held by a worker of this token`);
  const readable = artifact && (artifact.kind === SHARD_KIND || (artifact.kind === 'checkpoint' && holds));
  if (!artifact || !readable) return error(404, `run ${runId} has no ${holds ? 'checkpoint or shard' : 'shard'} file ${name}`);
  try {
    const data = await readArtifact(artifact.uri, artifact.sha256);
    return new Response(new Uint8Array(data), {
      headers: { 'content-type': 'application/octet-stream', 'x-sha256': artifact.sha256, 'cache-control': 'no-store' },
    });
  } catch (cause) {
    return error(500, (cause as Error).message);
  }
}
