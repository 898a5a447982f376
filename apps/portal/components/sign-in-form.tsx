'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { safeNext } from '../lib/safe-next';
import { useTRPC } from '../lib/trpc';
import { Button } from './ui/button';
import { ErrorNotice } from './ui/card';
import { Field, inputClass } from './ui/field';

export function SignInForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: () => {
        // Dropped, not invalidated: a cached signed-out `auth.me` would send the next page straight back here.
        queryClient.removeQueries();
        router.replace(safeNext(params.get('next')));
      },
    }),
  );
  return (
    <form
      className="mt-8 space-y-4 rounded-lg border border-slate-200 bg-surface p-6 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault();
        signIn.mutate({ email, password });
      }}
    >
      <Field label="Email" htmlFor="email">
        <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} className={inputClass} />
      </Field>
      <Field label="Password" htmlFor="password">
        <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
      </Field>
      <ErrorNotice error={signIn.error} />
      <Button type="submit" className="w-full" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
