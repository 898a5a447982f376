/**
 * The connection's address for a request served by Next.js. Route handlers do not see the socket; Next writes
 * its address into `X-Forwarded-For`, but only when the request has no such header, so a client could write
 * it itself. `tools/start/portal-server.ts` removes client-sent forwarding headers (unless KTLAB_TRUST_PROXY
 * says a proxy sets them) before Next sees the request and sets `PEER_ADDRESS_FROM_NEXT` in its process; only
 * then is the header the socket's address. Under a plain `next start` the address stays unknown.
 */
export const PEER_ADDRESS_FROM_NEXT = 'KTLAB_INTERNAL_PEER_ADDRESS_FROM_NEXT';

export function nextPeerAddress(headers: Headers, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env[PEER_ADDRESS_FROM_NEXT] !== '1') return undefined;
  const forwarded = headers.get('x-forwarded-for')?.split(',');
  return forwarded?.[forwarded.length - 1]?.trim() || undefined;
}

/** Forwarding headers a client must not be able to set when no proxy is trusted. */
export const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'forwarded', 'x-real-ip'] as const;
