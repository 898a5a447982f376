/**
 * What the Compare page reads, shared by its server component (which starts the reads while the page loads)
 * and its client view (which takes them, or asks the API itself when they failed).
 */
import type { AppRouter } from '@ktlab/api';
import type { inferRouterOutputs } from '@trpc/server';

type Outputs = inferRouterOutputs<AppRouter>;

/** Buckets per run and curve that Compare asks runs.compareSeries for. */
export const OVERLAY_MAX_POINTS = 1500;

/** runs.compare and runs.compareSeries as read on the server; a read that failed is absent (the view asks again). */
export interface ComparePrefetch {
  compare?: Outputs['runs']['compare'];
  series?: Outputs['runs']['compareSeries'];
}
