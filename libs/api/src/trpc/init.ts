import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { fieldErrorsOf } from '@ktlab/config';
import type { Context } from './context';
import { wireTransformer } from './wire-transformer';

/**
 * superjson carries Dates, BigInts and the non-finite metric values (NaN, ±Infinity) that plain JSON drops;
 * answers made only of plain JSON skip its per-value walk (wireTransformer: the same format, read by superjson
 * clients), which cost ~100 ms for the 2,000 buckets of a downsampled series.
 * Zod failures come back with field-level messages in `data.fieldErrors`.
 */
export const t = initTRPC.context<Context>().create({
  transformer: wireTransformer,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : undefined;
    return {
      ...shape,
      data: {
        ...shape.data,
        fieldErrors: zodError ? fieldErrorsOf(zodError, '(input)') : undefined,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
