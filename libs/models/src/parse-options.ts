import { z } from 'zod';

/**
 * Parses `value` with `schema`, throwing an Error that names the function and every invalid field
 * (e.g. `alexnetSmall options: ✖ Too small: expected number to be >=8 → at inputSize`).
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${what}: invalid options\n${z.prettifyError(result.error)}`);
  return result.data;
}
