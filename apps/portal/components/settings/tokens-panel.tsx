'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatTime } from '../../lib/format';
import { refetchAfterWrite } from '../../lib/refetch-after-write';
import { useSession } from '../../lib/session';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { Cell, DataTable } from '../ui/data-table';
import { Field, inputClass } from '../ui/field';
import { InlineForm } from '../ui/inline-form';

export function TokensPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const tokens = useQuery({ ...trpc.tokens.list.queryOptions(), enabled: user.isAdmin });
  const refresh = () => refetchAfterWrite(queryClient, trpc.tokens.list.queryKey());
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  if (!user.isAdmin) return <Card title="Worker tokens"><p className="text-sm text-slate-500">Only administrators manage worker tokens.</p></Card>;
  return (
    <Card title="Worker tokens">
      <InlineForm
        onSubmit={(values, form) => {
          create.mutate({ label: values.label }, { onSuccess: () => form.reset() });
        }}
      >
        <Field label="New token for" htmlFor="token-label" className="w-72">
          <input id="token-label" name="label" required placeholder="gpu-box-1" className={inputClass} />
        </Field>
        <Button type="submit" disabled={create.isPending}>
          Create token
        </Button>
      </InlineForm>
      {create.data && (
        <div className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="new-token">
          <p className="font-medium">Token for {create.data.label} — copy it now, it is not shown again:</p>
          <code className="mt-1 block break-all font-mono text-xs" data-testid="new-token-secret">
            {create.data.secret}
          </code>
          <p className="mt-1 text-xs">On the worker: KTLAB_PORTAL_URL=&lt;this portal&gt; KTLAB_WORKER_TOKEN=&lt;token&gt; npx tsx apps/trainer/src/main.ts</p>
        </div>
      )}
      <ErrorNotice error={create.error ?? revoke.error ?? tokens.error} />
      <DataTable testId="tokens-table" columns={['Label', 'Created', 'Workers', 'State', '']}>
        {tokens.data?.map((token) => (
          <tr key={token.id} className={token.revokedAt ? 'text-slate-400' : ''}>
            <Cell className="font-medium">{token.label}</Cell>
            <Cell>
              {formatTime(token.createdAt)}
              {token.createdBy && ` by ${token.createdBy.name}`}
            </Cell>
            <Cell>{token.workers.map((w) => w.name).join(', ') || '—'}</Cell>
            <Cell>{token.revokedAt ? `revoked ${formatTime(token.revokedAt)}` : 'active'}</Cell>
            <Cell align="right">
              {!token.revokedAt && (
                <Button variant="danger" onClick={() => revoke.mutate({ id: token.id })} aria-label={`Revoke ${token.label}`}>
                  Revoke
                </Button>
              )}
            </Cell>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}
