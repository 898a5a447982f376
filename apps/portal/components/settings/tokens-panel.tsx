'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatTime } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { inputClass } from '../ui/field';

export function TokensPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const [label, setLabel] = useState('');
  const tokens = useQuery({ ...trpc.tokens.list.queryOptions(), enabled: user.isAdmin });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: refresh }));
  if (!user.isAdmin) return <Card title="Worker tokens"><p className="text-sm text-slate-500">Only administrators manage worker tokens.</p></Card>;
  return (
    <Card title="Worker tokens">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ label });
          setLabel('');
        }}
      >
        <div className="w-72">
          <label htmlFor="token-label" className="mb-1 block text-xs font-medium text-slate-600">
            New token for
          </label>
          <input id="token-label" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="gpu-box-1" className={inputClass} />
        </div>
        <Button type="submit" disabled={!label.trim() || create.isPending}>
          Create token
        </Button>
      </form>
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
      <table className="mt-4 min-w-full text-sm" data-testid="tokens-table">
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-2 py-1 text-left font-medium">Label</th>
            <th className="px-2 py-1 text-left font-medium">Created</th>
            <th className="px-2 py-1 text-left font-medium">Workers</th>
            <th className="px-2 py-1 text-left font-medium">State</th>
            <th />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tokens.data?.map((token) => (
            <tr key={token.id} className={token.revokedAt ? 'text-slate-400' : ''}>
              <td className="px-2 py-1.5 font-medium">{token.label}</td>
              <td className="px-2 py-1.5">
                {formatTime(token.createdAt)}
                {token.createdBy && ` by ${token.createdBy.name}`}
              </td>
              <td className="px-2 py-1.5">{token.workers.map((w) => w.name).join(', ') || '—'}</td>
              <td className="px-2 py-1.5">{token.revokedAt ? `revoked ${formatTime(token.revokedAt)}` : 'active'}</td>
              <td className="px-2 py-1.5 text-right">
                {!token.revokedAt && (
                  <Button variant="danger" onClick={() => revoke.mutate({ id: token.id })} aria-label={`Revoke ${token.label}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
