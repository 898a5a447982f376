import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@ktlab/db';

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

/** The token row for a presented secret, or undefined when unknown or revoked. */
export async function findValidToken(db: Db, secret: string | undefined) {
  if (!secret || !secret.startsWith(PREFIX)) return undefined;
  const token = await db.workerToken.findUnique({ where: { tokenHash: hashToken(secret) } });
  if (!token || token.revokedAt) return undefined;
  return token;
}

export function bearerToken(authorization: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
