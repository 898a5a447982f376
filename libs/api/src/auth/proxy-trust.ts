/**
 * `KTLAB_TRUST_PROXY`: whether `X-Forwarded-Host` and `X-Forwarded-For` describe the request. Off by default,
 * because any client can send them: only a reverse proxy in front of the portal that overwrites (Host) or
 * appends to (For) them makes them true. `1` (or `true`) trusts one proxy, `N` trusts a chain of N proxies
 * (the client address is then the Nth entry from the right of `X-Forwarded-For`).
 */
import { z } from 'zod';

const trustProxySchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value, ctx) => {
    if (value === '' || value === '0' || value === 'false' || value === 'no') return 0;
    if (value === 'true' || value === 'yes') return 1;
    const hops = Number(value);
    if (!Number.isInteger(hops) || hops < 0 || hops > 10) {
      ctx.addIssue({ code: 'custom', message: `KTLAB_TRUST_PROXY must be 0, 1 (or true/false) or a number of proxies up to 10, not "${value}"` });
      return z.NEVER;
    }
    return hops;
  });

/** Trusted proxy hops (0: trust none). An unreadable value trusts none, after saying so once. */
export function trustedProxyHops(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = trustProxySchema.safeParse(env.KTLAB_TRUST_PROXY ?? '');
  if (parsed.success) return parsed.data;
  warnOnce(parsed.error.issues[0].message);
  return 0;
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(`[ktlab] ${message}; proxy headers are not trusted`);
}

/** The host the browser addressed: `X-Forwarded-Host` only behind a trusted proxy, else `Host`. */
export function requestHost(request: { headers: Headers; url?: string }, hops = trustedProxyHops()): string | undefined {
  const forwarded = hops > 0 ? request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  if (forwarded) return forwarded;
  const host = request.headers.get('host');
  if (host) return host;
  try {
    return request.url ? new URL(request.url).host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The client's address: from `X-Forwarded-For` behind trusted proxies (the entry the outermost trusted proxy
 * appended), else what the transport saw (the socket's address). Undefined when neither is known.
 */
export function clientAddress(headers: Headers, transportAddress: string | undefined, hops = trustedProxyHops()): string | undefined {
  if (hops > 0) {
    const chain = (headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (chain.length > 0) return chain[Math.max(0, chain.length - hops)];
  }
  return transportAddress || undefined;
}
