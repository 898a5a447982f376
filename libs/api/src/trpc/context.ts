import type { Db } from '@ktlab/db';
import { clientAddress } from '../auth/proxy-trust';
import type { SignInLimiter } from '../auth/sign-in-limiter';
import type { EventHub } from '../events/event-hub';

export interface ContextDeps {
  db: Db;
  events: EventHub;
  /** Sign-in attempts per account and address; absent: the process-wide limiter. */
  signInLimiter?: SignInLimiter;
}

/** What the transport knows beyond the headers. */
export interface TransportInfo {
  /** The peer address of the connection (the socket's remote address). */
  remoteAddress?: string;
}

export interface Context extends ContextDeps {
  /** The request's Authorization header (workers send `Bearer <token>`). */
  authorization?: string | null;
  /** The request's Cookie header (browsers send the session cookie). */
  cookie?: string | null;
  /** Headers added to the response (Set-Cookie on sign-in and sign-out). */
  resHeaders: Headers;
  /** Whether cookies must be marked Secure (the request came over HTTPS). */
  secureCookies: boolean;
  /** The client's address (proxy-trust.ts), for per-address limits; undefined when unknown. */
  clientAddress?: string;
}

function isHttps(request: { headers: Headers; url?: string }): boolean {
  if (request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https') return true;
  return request.url?.startsWith('https:') ?? false;
}

export function createContext(deps: ContextDeps, request?: { headers: Headers; url?: string }, resHeaders = new Headers(), transport: TransportInfo = {}): Context {
  return {
    ...deps,
    authorization: request?.headers.get('authorization'),
    cookie: request?.headers.get('cookie'),
    resHeaders,
    secureCookies: request ? isHttps(request) : false,
    clientAddress: request ? clientAddress(request.headers, transport.remoteAddress) : transport.remoteAddress,
  };
}
