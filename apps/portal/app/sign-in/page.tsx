import { Suspense } from 'react';
import { SignInForm } from '../../components/sign-in-form';

export default function SignInPage() {
  return (
    <div className="mx-auto mt-16 max-w-sm">
      <h1 className="text-center text-2xl font-semibold tracking-tight">Sign in to ktlab</h1>
      <p className="mt-2 text-center text-sm text-slate-500">
        On a fresh install, <code className="font-mono">npm start</code> printed the first admin’s password (also in{' '}
        <code className="font-mono">.ktlab/admin-credentials</code>).
      </p>
      <Suspense>
        <SignInForm />
      </Suspense>
    </div>
  );
}
