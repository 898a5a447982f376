/**
 * Sends visitors without a session cookie to the sign-in page. Only the cookie's presence is checked here;
 * every API procedure verifies the session itself, so a stale cookie still ends at sign-in (via `auth.me`).
 */
import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIE = 'ktlab_session';

export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const target = new URL('/sign-in', request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== '/') target.searchParams.set('next', next);
  return NextResponse.redirect(target);
}

export const config = {
  matcher: ['/((?!api/|_next/|sign-in|favicon.ico).*)'],
};
