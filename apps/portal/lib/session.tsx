'use client';
/**
 * The signed-in user and the project the portal is looking at. The project choice is remembered per browser;
 * every page passes its slug to the API, which checks membership.
 */
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { createContext, use, useContext, useEffect, useState, type ReactNode } from 'react';
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

/** The session as the gate holds it: the user once auth.me has answered, and a promise settled then. */
interface SessionState {
  value: SessionValue | undefined;
  known: Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * The signed-in user and project. A component that calls it waits (suspends to the nearest <Suspense>) until
 * auth.me has answered; the parts of a page that do not call it render and ask for their data at once.
 */
export function useSession(): SessionValue {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside <SessionGate>');
  if (state.value) return state.value;
  use(state.known);
  // Not reached: `known` settles in the commit that gives the gate its user, and React renders again after it.
  throw new Error('the session is not known yet');
}

function settleable(): { promise: Promise<void>; settle(): void; settled: boolean } {
  let settle = () => undefined as void;
  const promise = new Promise<void>((resolve) => (settle = resolve));
  const handle = {
    promise,
    settled: false,
    settle() {
      handle.settled = true;
      settle();
    },
  };
  return handle;
}

/**
 * Renders its children in the browser while auth.me is asked (the proxy lets a page through only with a session
 * cookie, and every API procedure checks the session itself), so their requests go out beside it; what needs the
 * user waits for it (useSession). Sends signed-out visitors to the sign-in page.
 */
export function SessionGate({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [chosen, setChosen] = useState<string | null>(null);
  // The server knows no session: it renders the fallback, and so does hydration; the children come after it.
  const [mounted, setMounted] = useState(false);
  const [known] = useState(settleable);
  useEffect(() => {
    setChosen(window.localStorage.getItem(PROJECT_KEY));
    setMounted(true);
  }, []);
  useEffect(() => {
    // Only a fresh answer counts: a stale signed-out answer being refetched must not bounce a new session.
    if (me.data === null && !me.isFetching) router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
  }, [me.data, me.isFetching, router, pathname]);
  useEffect(() => {
    if (me.data) known.settle();
  }, [me.data, known]);
  // Signed out (on the way to sign-in), or the user forgotten after it was known (sign-out clears the cache): the fallback.
  if (!mounted || me.data === null || (me.data === undefined && known.settled)) return <>{fallback}</>;
  let value: SessionValue | undefined;
  if (me.data) {
    const projects = me.data.projects;
    const projectSlug = projects.find((p) => p.slug === chosen)?.slug ?? projects.find((p) => p.slug === 'default')?.slug ?? projects[0]?.slug ?? 'default';
    value = {
      user: me.data,
      projectSlug,
      setProjectSlug(slug) {
        window.localStorage.setItem(PROJECT_KEY, slug);
        setChosen(slug);
      },
    };
  }
  return <SessionContext.Provider value={{ value, known: known.promise }}>{children}</SessionContext.Provider>;
}
