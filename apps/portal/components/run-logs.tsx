'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../lib/trpc';
import { Button } from './ui/button';
import { Card, ErrorNotice } from './ui/card';

const PAGE = 200;

function clock(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/**
 * The run's log as the trainer printed it: the newest lines, refreshed every two seconds while the run is
 * active, with older pages on demand. Follows the end like `tail -f` unless the user scrolled up.
 */
export function RunLogs({ runId, active }: { runId: string; active: boolean }) {
  const trpc = useTRPC();
  const logs = useInfiniteQuery({
    ...trpc.runs.logs.infiniteQueryOptions({ runId, limit: PAGE }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
    refetchInterval: active ? 2000 : false,
  });
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const lines = (logs.data?.pages ?? []).slice().reverse().flatMap((page) => page.lines);
  const newest = lines.at(-1);
  const newestKey = newest ? `${newest.attempt}:${newest.seq}` : '';

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [newestKey, follow]);

  let previousAttempt: number | undefined;
  return (
    <Card
      title="Logs"
      actions={
        <span className="text-xs text-slate-500" data-testid="log-count">
          {lines.length} line{lines.length === 1 ? '' : 's'}
          {logs.hasNextPage ? ' (older lines available)' : ''}
          {active ? ' · live' : ''}
        </span>
      }
    >
      <ErrorNotice error={logs.error} />
      {lines.length === 0 && logs.isLoading ? (
        <p className="text-sm text-slate-400">Loading log…</p>
      ) : lines.length === 0 ? (
        <p className="text-sm text-slate-500">{active ? 'No log lines yet; they appear as the worker prints them.' : 'This run has no log lines.'}</p>
      ) : (
        <div
          ref={box}
          onScroll={(event) => {
            const el = event.currentTarget;
            setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
          }}
          className="max-h-80 overflow-auto rounded bg-terminal p-3 font-mono text-xs leading-5 text-terminal-text"
          data-testid="run-logs"
        >
          {logs.hasNextPage && (
            <div className="mb-2">
              <Button variant="ghost" className="!px-2 !py-0.5 text-xs text-terminal-muted hover:bg-white/10 hover:text-terminal-text" onClick={() => void logs.fetchNextPage()} disabled={logs.isFetchingNextPage}>
                {logs.isFetchingNextPage ? 'Loading…' : `Load ${PAGE} older lines`}
              </Button>
            </div>
          )}
          {lines.map((line) => {
            const newAttempt = previousAttempt !== undefined && line.attempt !== previousAttempt;
            previousAttempt = line.attempt;
            return (
              <div key={`${line.attempt}:${line.seq}`}>
                {newAttempt && <div className="my-1 border-t border-terminal-muted/40 pt-1 text-terminal-muted">— attempt {line.attempt} —</div>}
                <span className="select-none text-terminal-muted">{clock(line.time)} </span>
                <span className="whitespace-pre-wrap break-words">{line.message}</span>
              </div>
            );
          })}
        </div>
      )}
    </Card>
  );
}
