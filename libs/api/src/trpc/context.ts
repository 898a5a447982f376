import type { Db } from '@ktlab/db';
import type { EventHub } from '../events/event-hub';

export interface ContextDeps {
  db: Db;
  events: EventHub;
}

export interface Context extends ContextDeps {
  /** The request's Authorization header (workers send `Bearer <token>`). */
  authorization?: string | null;
}

export function createContext(deps: ContextDeps, request?: { headers: Headers }): Context {
  return { ...deps, authorization: request?.headers.get('authorization') };
}
