import { clearedSessionCookie, deleteSession, readCookie, SESSION_COOKIE } from '../../auth/session';
import type { Context } from '../../trpc/context';

/** Ends the session in the database (not only in this browser) and clears the cookie. */
export async function signOutHandler({ ctx }: { ctx: Context }) {
  const secret = readCookie(ctx.cookie, SESSION_COOKIE);
  if (secret) await deleteSession(ctx.db, secret);
  ctx.resHeaders.append('set-cookie', clearedSessionCookie(ctx.secureCookies));
  return { signedOut: true };
}
