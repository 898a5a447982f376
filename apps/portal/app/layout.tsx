import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import 'uplot/dist/uPlot.min.css';
import './globals.css';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: 'ktlab',
  description: 'Knowledge transfer for self-supervised learning: runs, metrics and benchmark tables.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>
          <header className="border-b border-slate-200 bg-white">
            <nav className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
              <Link href="/runs" className="text-lg font-semibold tracking-tight text-slate-900">
                ktlab
              </Link>
              <Link href="/runs" className="text-sm text-slate-600 hover:text-slate-900">
                Runs
              </Link>
              <Link
                href="/runs/new"
                className="ml-auto rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
              >
                New run
              </Link>
            </nav>
          </header>
          <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
