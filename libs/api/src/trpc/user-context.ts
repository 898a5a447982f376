import type { Context } from './context';

export interface SessionUser {
  sessionId: string;
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

/** The context inside user procedures: the session cookie has been verified. */
export interface UserContext extends Context {
  user: SessionUser;
}
