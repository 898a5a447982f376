import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Shows a write the user just made. A plain invalidate joins a first load still in flight (React Query dedupes
 * onto it when there is no data yet), and that load may have read the database before the write: the new row
 * would stay missing. Cancelling first makes the refetch a fresh read.
 */
export async function refetchAfterWrite(queryClient: QueryClient, queryKey: QueryKey): Promise<void> {
  await queryClient.cancelQueries({ queryKey });
  await queryClient.invalidateQueries({ queryKey });
}
