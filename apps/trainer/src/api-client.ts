import type { AppRouter } from '@ktlab/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';

export type PortalClient = ReturnType<typeof createPortalClient>;

/** The trainer's connection to the portal: plain HTTP calls carrying the worker token. */
export function createPortalClient(portalUrl: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: new URL('/api/trpc', portalUrl).toString(),
        transformer: superjson,
        headers: () => ({ authorization: `Bearer ${token}` }),
      }),
    ],
  });
}
