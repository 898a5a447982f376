import { z } from 'zod';

/** A comma-separated CLI option whose items must come from `allowed`; an unknown one is named with the choices. */
export function listOption<T extends string>(allowed: readonly T[]) {
  return z.string().transform((value, context) => {
    const items = value.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item as T));
    if (unknown.length) context.addIssue({ code: z.ZodIssueCode.custom, message: `unknown ${unknown.join(', ')}; choose from ${allowed.join(', ')}` });
    return items as T[];
  });
}
