import { createHash, randomBytes } from 'node:crypto';
import type { WorkerToken } from '@ktlab/db';
import { type Db, pgPool } from '@ktlab/db/client';

const PREFIX = 'ktw_';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a worker token; the secret is returned once and only its hash is stored. */
export async function createWorkerToken(db: Db, label: string, createdById?: string): Promise<{ id: string; secret: string }> {
  const secret = PREFIX + randomBytes(32).toString('base64url');
  const token = await db.workerToken.create({ data: { label, tokenHash: hashToken(secret), createdById } });
  return { id: token.id, secret };
}

/**
 * The token row for a presented secret, or undefined when unknown or revoked. Every call a trainer makes (each
 * metric batch among them) asks this first, so it goes straight through node-postgres: Prisma's findUnique
 * cost ~4 ms of CPU per call here, more than the rest of a 5,000-point batch's handling. Timestamps are read as
 * UTC, as Prisma reads them.
 */
export async function findValidToken(db: Db, secret: string | undefined): Promise<WorkerToken | undefined> {
  if (!secret || !secret.startsWith(PREFIX)) return undefined;
  const { rows } = await pgPool(db).query<WorkerToken>({
    name: 'ktlab-worker-token',
    text: `
      SELECT id, label, "tokenHash", "revokedAt" AT TIME ZONE 'UTC' AS "revokedAt", "createdAt" AT TIME ZONE 'UTC' AS "createdAt", "createdById"
      FROM "WorkerToken" WHERE "tokenHash" = $1`,
    values: [hashToken(secret)],
  });
  const [token] = rows;
  if (!token || token.revokedAt) return undefined;
  return token;
}

export function bearerToken(authorization: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
