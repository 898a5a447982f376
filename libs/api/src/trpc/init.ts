import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { fieldErrorsOf } from '@ktlab/config';
import type { Context } from './context';

/**
 * superjson carries Dates, BigInts and the non-finite metric values (NaN, ±Infinity) that plain JSON drops.
 * Zod failures come back with field-level messages in `data.fieldErrors`.
 */
export const t = initTRPC.context<Context>().create({
  transformer: superjson,
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
