/** Exponential backoff with jitter, capped; `retries: Infinity` keeps trying until the signal aborts. */
export async function withRetry<T>(
  action: () => Promise<T>,
  options: { retries?: number; baseMs?: number; maxMs?: number; signal?: AbortSignal; onRetry?: (error: unknown, attempt: number) => void; retryIf?: (error: unknown) => boolean } = {},
): Promise<T> {
  const { retries = Infinity, baseMs = 200, maxMs = 10_000, signal, onRetry, retryIf = () => true } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= retries || signal?.aborted || !retryIf(error)) throw error;
      onRetry?.(error, attempt + 1);
      const delay = Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Errors that a later attempt can fix (the portal is restarting, the network hiccuped). */
export function isTransient(error: unknown): boolean {
  const code = (error as { data?: { code?: string } })?.data?.code;
  if (code === undefined) return true; // no tRPC answer at all: connection refused, reset, timeout
  return code === 'INTERNAL_SERVER_ERROR' || code === 'TIMEOUT' || code === 'SERVICE_UNAVAILABLE' || code === 'BAD_GATEWAY';
}

/** The portal's answer when a worker reports on a run it no longer holds (its lease expired and was reclaimed). */
export function isLostRun(error: unknown): boolean {
  return (error as { data?: { code?: string } })?.data?.code === 'CONFLICT';
}
