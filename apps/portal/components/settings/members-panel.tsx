'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { refetchAfterWrite } from '../../lib/refetch-after-write';
import { useSession } from '../../lib/session';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { inputClass } from '../ui/field';

export function MembersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user, projectSlug } = useSession();
  const [email, setEmail] = useState('');
  const [projectName, setProjectName] = useState('');
  const members = useQuery(trpc.projects.members.queryOptions({ projectSlug }));
  const refresh = () => refetchAfterWrite(queryClient, trpc.projects.members.queryKey());
  const add = useMutation(trpc.projects.addMember.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.projects.removeMember.mutationOptions({ onSuccess: refresh }));
  const createProject = useMutation(trpc.projects.create.mutationOptions({ onSuccess: () => refetchAfterWrite(queryClient, trpc.auth.me.queryKey()) }));
  const isOwner = user.projects.find((p) => p.slug === projectSlug)?.role === 'owner';
  return (
    <Card title={`Members of ${projectSlug}`}>
      <ul className="divide-y divide-slate-100 text-sm">
        {members.data?.map((member) => (
          <li key={member.id} className="flex items-center justify-between py-1.5">
            <span>
              <span className="font-medium">{member.name}</span> <span className="text-slate-500">{member.email}</span>
            </span>
            <span className="flex items-center gap-2">
              <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{member.role}</span>
              {isOwner && member.id !== user.id && (
                <Button variant="ghost" onClick={() => remove.mutate({ projectSlug, userId: member.id })}>
                  Remove
                </Button>
              )}
            </span>
          </li>
        ))}
      </ul>
      {isOwner && (
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate({ projectSlug, email, role: 'member' });
            setEmail('');
          }}
        >
          <input aria-label="Member email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="colleague@lab.org" className={`${inputClass} w-72`} />
          <Button type="submit" variant="secondary" disabled={!email}>
            Add member
          </Button>
        </form>
      )}
      <form
        className="mt-4 flex flex-wrap items-end gap-2 border-t border-slate-100 pt-4"
        onSubmit={(event) => {
          event.preventDefault();
          createProject.mutate({ slug: projectName, name: projectName });
          setProjectName('');
        }}
      >
        <input aria-label="New project" value={projectName} onChange={(e) => setProjectName(e.target.value)} placeholder="new-project" className={`${inputClass} w-72 font-mono`} />
        <Button type="submit" variant="secondary" disabled={!projectName}>
          Create project
        </Button>
      </form>
      <ErrorNotice error={members.error ?? add.error ?? remove.error ?? createProject.error} />
    </Card>
  );
}
