'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatTime } from '../../lib/format';
import { refetchAfterWrite } from '../../lib/refetch-after-write';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { Cell, DataTable } from '../ui/data-table';

export function SessionsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const refresh = () => refetchAfterWrite(queryClient, trpc.auth.sessions.queryKey());
  const signOutOthers = useMutation(trpc.auth.signOutOthers.mutationOptions({ onSuccess: refresh }));
  const endSession = useMutation(trpc.auth.endSession.mutationOptions({ onSuccess: refresh }));
  const others = sessions.data?.filter((session) => !session.current).length ?? 0;
  return (
    <Card
      title="Sessions"
      actions={
        <Button variant="secondary" disabled={others === 0 || signOutOthers.isPending} onClick={() => signOutOthers.mutate()}>
          Sign out other sessions{others ? ` (${others})` : ''}
        </Button>
      }
    >
      <p className="text-sm text-slate-500">Each browser signed in to your account. A session lasts 14 days from sign-in.</p>
      {signOutOthers.data && (
        <p className="mt-2 text-sm text-emerald-800" role="status" data-testid="signed-out-others">
          Signed out {signOutOthers.data.signedOut} other session{signOutOthers.data.signedOut === 1 ? '' : 's'}.
        </p>
      )}
      <ErrorNotice error={sessions.error ?? signOutOthers.error ?? endSession.error} />
      <DataTable testId="sessions-table" columns={['Signed in', 'Last used', 'Expires', '', '']}>
        {sessions.data?.map((session) => (
          <tr key={session.id}>
            <Cell>{formatTime(session.createdAt)}</Cell>
            <Cell>{formatTime(session.lastSeenAt)}</Cell>
            <Cell>{formatTime(session.expiresAt)}</Cell>
            <Cell>{session.current && <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">this browser</span>}</Cell>
            <Cell align="right">
              {!session.current && (
                <Button variant="danger" onClick={() => endSession.mutate({ id: session.id })} disabled={endSession.isPending} aria-label={`Sign out the session from ${formatTime(session.createdAt)}`}>
                  Sign out
                </Button>
              )}
            </Cell>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}
