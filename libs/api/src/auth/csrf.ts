/**
 * Cross-site request forgery guard for state-changing requests. Browsers send `Origin` on every POST (and
 * `Sec-Fetch-Site`); a POST whose origin is not the portal's own is refused before any procedure runs.
 * Trainers send neither header and authenticate with a bearer token, which a forged request cannot carry.
 * The portal's own host is `Host`, or `X-Forwarded-Host` only with `KTLAB_TRUST_PROXY` (proxy-trust.ts).
 */
import { requestHost } from './proxy-trust';

export function crossSiteReason(request: Request): string | undefined {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return `cross-site request refused (Sec-Fetch-Site: ${fetchSite})`;
  const origin = request.headers.get('origin');
  if (!origin) return undefined;
  const host = requestHost(request);
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `cross-site request refused (unreadable Origin ${origin})`;
  }
  return originHost === host ? undefined : `cross-site request refused (Origin ${origin} is not ${host})`;
}
