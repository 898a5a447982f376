'use client';
/**
 * The signed-in user and the project the portal is looking at. The project choice is remembered per browser;
 * every page passes its slug to the API, which checks membership.
 */
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTRPC } from './trpc';

const PROJECT_KEY = 'ktlab.project';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  projects: { slug: string; name: string; role: 'owner' | 'member' }[];
}

interface SessionValue {
  user: SessionUser;
  projectSlug: string;
  setProjectSlug(slug: string): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionGate>');
  return value;
}

/** Renders its children once a user is signed in; sends signed-out visitors to the sign-in page. */
export function SessionGate({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [chosen, setChosen] = useState<string | null>(null);
  useEffect(() => setChosen(window.localStorage.getItem(PROJECT_KEY)), []);
  useEffect(() => {
    // Only a fresh answer counts: a stale signed-out answer being refetched must not bounce a new session.
    if (me.data === null && !me.isFetching) router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
  }, [me.data, me.isFetching, router, pathname]);
  if (!me.data) return <>{fallback}</>;
  const projects = me.data.projects;
  const projectSlug = projects.find((p) => p.slug === chosen)?.slug ?? projects.find((p) => p.slug === 'default')?.slug ?? projects[0]?.slug ?? 'default';
  const value: SessionValue = {
    user: me.data,
    projectSlug,
    setProjectSlug(slug) {
      window.localStorage.setItem(PROJECT_KEY, slug);
      setChosen(slug);
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
