/**
 * Browser sessions: a random secret in an httpOnly, SameSite=Lax cookie; the database keeps only its
 * sha256, so a leaked database dump does not sign anyone in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@ktlab/db';

export const SESSION_COOKIE = 'ktlab_session';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
const PREFIX = 'kts_';
/** How stale a session's lastSeenAt may get before a request refreshes it. */
export const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export async function createSession(db: Db, userId: string, now = new Date()): Promise<{ secret: string; expiresAt: Date }> {
  const secret = PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.create({ data: { userId, tokenHash: hashSecret(secret), expiresAt } });
  return { secret, expiresAt };
}

/** The signed-in user for a session secret, or undefined when unknown or expired. */
export async function findSessionUser(db: Db, secret: string | undefined) {
  if (!secret?.startsWith(PREFIX)) return undefined;
  const session = await db.session.findUnique({
    where: { tokenHash: hashSecret(secret) },
    include: { user: { select: { id: true, email: true, name: true, isAdmin: true } } },
  });
  if (!session || session.expiresAt.getTime() <= Date.now()) return undefined;
  // The account page lists sessions with when each was last used; one write per session every few minutes.
  if (Date.now() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: new Date() } });
  }
  return { sessionId: session.id, ...session.user };
}

export async function deleteSession(db: Db, secret: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashSecret(secret) } });
}

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

export function sessionCookie(secret: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(secret)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', ...(secure ? ['Secure'] : [])].join('; ');
}
