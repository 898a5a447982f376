'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { Suspense, type ReactNode } from 'react';
import { SessionGate, useSession } from '../lib/session';
import { useTRPC } from '../lib/trpc';

const NAV = [
  { href: '/runs', label: 'Runs' },
  { href: '/benchmarks', label: 'Benchmarks' },
  { href: '/workers', label: 'Workers' },
  { href: '/settings', label: 'Settings' },
];

function Nav() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const { user, projectSlug, setProjectSlug } = useSession();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        router.replace('/sign-in');
      },
    }),
  );
  return (
    <header className="border-b border-slate-200 bg-surface">
      <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/runs" className="text-lg font-semibold tracking-tight text-slate-900">
          ktlab
        </Link>
        <select
          aria-label="Project"
          value={projectSlug}
          onChange={(e) => setProjectSlug(e.target.value)}
          className="max-w-40 rounded-md border border-slate-200 bg-slate-50 px-2 py-1 text-sm text-slate-700 sm:max-w-none"
        >
          {user.projects.map((project) => (
            <option key={project.slug} value={project.slug}>
              {project.name}
            </option>
          ))}
        </select>
        {/* On a phone the sections get their own row, under the brand and the actions. */}
        <div className="order-last -mx-1 flex w-full gap-1 overflow-x-auto sm:order-none sm:mx-0 sm:w-auto sm:gap-5">
          {NAV.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              aria-current={pathname.startsWith(item.href) ? 'page' : undefined}
              className={`shrink-0 rounded px-1 py-1 text-sm sm:px-0 ${pathname.startsWith(item.href) ? 'font-medium text-slate-900' : 'text-slate-600 hover:text-slate-900'}`}
            >
              {item.label}
            </Link>
          ))}
        </div>
        <div className="ml-auto flex items-center gap-3">
          <Link href="/runs/new" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
            New run
          </Link>
          <Link
            href="/account"
            title="Account: password and sessions"
            aria-current={pathname.startsWith('/account') ? 'page' : undefined}
            className="hidden text-sm text-slate-600 hover:text-slate-900 hover:underline sm:inline"
            data-testid="signed-in-as"
          >
            {user.name}
          </Link>
          <button type="button" onClick={() => signOut.mutate()} className="text-sm text-slate-500 hover:text-slate-900">
            Sign out
          </button>
        </div>
      </nav>
    </header>
  );
}

/** The header's frame while the signed-in user is not known yet (the same height, so nothing moves). */
function NavPlaceholder() {
  return (
    <header className="border-b border-slate-200 bg-surface" aria-busy="true">
      <nav className="mx-auto flex max-w-7xl items-center gap-x-5 px-4 py-3 sm:px-6">
        <Link href="/runs" className="text-lg font-semibold tracking-tight text-slate-900">
          ktlab
        </Link>
        <span className="h-8" />
      </nav>
    </header>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  if (pathname.startsWith('/sign-in')) return <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>;
  // The page renders while the session is asked for: its parts that need the user (useSession) wait for it in
  // their Suspense, the others ask for their data at once.
  return (
    <SessionGate fallback={<p className="mx-auto max-w-7xl px-6 py-8 text-sm text-slate-500">Loading…</p>}>
      <Suspense fallback={<NavPlaceholder />}>
        <Nav />
      </Suspense>
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-8">
        <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>{children}</Suspense>
      </main>
    </SessionGate>
  );
}
