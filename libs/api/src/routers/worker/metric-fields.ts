/** What a metric point's fields may be, in every wire form of `worker.logMetrics` (objects, columns, binary). */
import { z } from 'zod';

export const MAX_POINTS_PER_BATCH = 10_000;
export const MAX_STEP = 2 ** 31 - 1;

export const stepSchema = z.number().int().min(0).max(MAX_STEP);
/** Any double, NaN and ±Infinity included (carried by superjson, stored as sent). */
// zod's number() refuses ±Infinity, so they are admitted explicitly (a diverging loss is data, not bad input)
export const valueSchema = z.union([z.number(), z.nan(), z.literal(Number.POSITIVE_INFINITY), z.literal(Number.NEGATIVE_INFINITY)]);
export const keySchema = z.string().trim().min(1).max(200);
/** Milliseconds since the epoch (Date.getTime()). */
export const wallTimeMsSchema = z.number().finite();
