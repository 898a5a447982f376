import 'server-only';
import { appRouter, createCallerFactory, createContext } from '@ktlab/api';
import { headers } from 'next/headers';
import { serverDeps } from './server-deps';

const createCaller = createCallerFactory(appRouter);

/**
 * The API called in-process by a server component, as the person whose request it renders: the request's
 * headers (its session cookie) go into the context, so every procedure checks the session and the project
 * membership exactly as over HTTP.
 */
export async function serverCaller() {
  return createCaller(createContext(serverDeps(), { headers: new Headers(await headers()) }));
}
