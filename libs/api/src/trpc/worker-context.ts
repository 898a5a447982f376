import type { WorkerToken } from '@ktlab/db';
import type { Context } from './context';

/** The context inside worker procedures: the presented token has been verified. */
export interface WorkerContext extends Context {
  token: WorkerToken;
}
