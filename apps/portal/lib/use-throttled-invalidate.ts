'use client';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

/** Invalidates queries at most once per `intervalMs`, however fast live events arrive. */
export function useThrottledInvalidate(intervalMs = 500) {
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, QueryKey>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  return useCallback(
    (queryKey: QueryKey) => {
      pending.current.set(JSON.stringify(queryKey), queryKey);
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        const keys = [...pending.current.values()];
        pending.current.clear();
        for (const key of keys) void queryClient.invalidateQueries({ queryKey: key });
      }, intervalMs);
    },
    [queryClient, intervalMs],
  );
}
