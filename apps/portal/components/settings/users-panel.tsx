'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { refetchAfterWrite } from '../../lib/refetch-after-write';
import { useSession } from '../../lib/session';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { inputClass } from '../ui/field';

export function UsersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const [draft, setDraft] = useState({ email: '', name: '', password: '' });
  const users = useQuery({ ...trpc.users.list.queryOptions(), enabled: user.isAdmin });
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setDraft({ email: '', name: '', password: '' });
        void refetchAfterWrite(queryClient, trpc.users.list.queryKey());
      },
    }),
  );
  if (!user.isAdmin) return null;
  return (
    <Card title="Accounts">
      <ul className="divide-y divide-slate-100 text-sm">
        {users.data?.map((account) => (
          <li key={account.id} className="py-1.5">
            <span className="font-medium">{account.name}</span> <span className="text-slate-500">{account.email}</span>
            {account.isAdmin && <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-700">admin</span>}
          </li>
        ))}
      </ul>
      <form
        className="mt-3 grid grid-cols-1 gap-2 md:grid-cols-4"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate(draft);
        }}
      >
        <input aria-label="Name" placeholder="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} className={inputClass} />
        <input aria-label="Email" type="email" placeholder="Email" value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.value })} className={inputClass} />
        <input aria-label="Initial password" type="password" placeholder="Initial password (10+ characters)" value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} className={inputClass} />
        <Button type="submit" variant="secondary" disabled={create.isPending}>
          Create account
        </Button>
      </form>
      <ErrorNotice error={create.error ?? users.error} />
    </Card>
  );
}
