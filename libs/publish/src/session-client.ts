/**
 * A person's connection to the portal from a script: tRPC over HTTP carrying the session cookie that
 * `auth.signIn` sets (email and password, or the admin credentials `npm start` writes).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '@ktlab/api';
import { ktlabHome } from '@ktlab/config/paths';

const SESSION_COOKIE = 'ktlab_session';

/** `.ktlab/admin-credentials` as written by `npm start`: `email=…` and `password=…` lines. */
export function readCredentialsFile(file: string): { email: string; password: string } {
  if (!existsSync(file)) throw new Error(`no portal credentials: pass --email and --password, or start the portal once (npm start) so ${file} exists`);
  const fields = Object.fromEntries(readFileSync(file, 'utf8').trim().split('\n').map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  }));
  if (!fields.email || !fields.password) throw new Error(`${file} must have email= and password= lines`);
  return { email: fields.email, password: fields.password };
}

export function createSessionClient(portalUrl: string) {
  let cookie: string | undefined;
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: new URL('/api/trpc', portalUrl).toString(),
        transformer: superjson,
        headers: () => (cookie ? { cookie } : {}),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          for (const header of response.headers.getSetCookie()) {
            const [pair] = header.split(';');
            if (pair?.startsWith(`${SESSION_COOKIE}=`)) cookie = pair;
          }
          return response;
        },
      }),
    ],
  });
  return { client, signedIn: () => cookie !== undefined, cookie: () => cookie };
}

export type SessionClient = ReturnType<typeof createSessionClient>['client'];

/** A signed-in person: tRPC calls, and the cookie for the plain HTTP routes (artifact uploads). */
export interface PortalSession {
  portalUrl: string;
  client: SessionClient;
  email: string;
  /** `ktlab_session=…` */
  cookie: string;
}

export interface SignInOptions {
  portalUrl: string;
  /** Both or neither; without them the admin credentials file under KTLAB_HOME is read. */
  email?: string;
  password?: string;
}

/** Signs in over HTTP and returns a client that sends the session cookie with every call. */
export async function signIn(options: SignInOptions): Promise<PortalSession> {
  const credentials = options.email && options.password
    ? { email: options.email, password: options.password }
    : readCredentialsFile(join(ktlabHome(), 'admin-credentials'));
  const { client, cookie } = createSessionClient(options.portalUrl);
  await client.auth.signIn.mutate(credentials);
  const sessionCookie = cookie();
  if (!sessionCookie) throw new Error(`signed in to ${options.portalUrl} but got no ${SESSION_COOKIE} cookie`);
  return { portalUrl: options.portalUrl, client, email: credentials.email, cookie: sessionCookie };
}
