import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import 'uplot/dist/uPlot.min.css';
import './globals.css';
import { AppShell } from '../components/app-shell';
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
          <AppShell>{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
