/**
 * The transformer a client of the portal's API uses: superjson's wire format, without superjson's walk over
 * values that plain JSON carries as they are. superjson visits every array element to find Dates, NaN and
 * the like; a metric batch of 5,000 numbers costs it more than the portal's insert of those points. A value
 * made only of strings, booleans, null, finite numbers (not -0), arrays and plain objects is sent as
 * `{ json: value }`, exactly what superjson.serialize gives for it; anything else goes through superjson.
 * The server (superjson) reads both.
 */
import superjson from 'superjson';

function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i])) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false; // undefined, bigint, symbol, function
  }
}

export const wireTransformer = {
  serialize(value: unknown): ReturnType<typeof superjson.serialize> {
    return isPlainJson(value) ? { json: value as ReturnType<typeof superjson.serialize>['json'] } : superjson.serialize(value);
  },
  deserialize<T = unknown>(payload: Parameters<typeof superjson.deserialize>[0]): T {
    return superjson.deserialize<T>(payload);
  },
};
