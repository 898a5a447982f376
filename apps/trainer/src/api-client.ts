import type { AppRouter } from '@ktlab/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { wireTransformer } from '@ktlab/api/wire-transformer';

export type PortalClient = ReturnType<typeof createPortalClient>;

/** The trainer's connection to the portal: plain HTTP calls carrying the worker token. */
export function createPortalClient(portalUrl: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: new URL('/api/trpc', portalUrl).toString(),
        // superjson's format; metric batches of plain numbers skip its per-element walk
        transformer: wireTransformer,
        headers: () => ({ authorization: `Bearer ${token}` }),
      }),
    ],
  });
}
