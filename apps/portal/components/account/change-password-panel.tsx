'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { passwordChangeErrors, type PasswordChange } from '../../lib/password-form';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../ui/button';
import { Card, ErrorNotice } from '../ui/card';
import { Field, inputClass } from '../ui/field';

const EMPTY: PasswordChange = { currentPassword: '', newPassword: '', confirmPassword: '' };

export function ChangePasswordPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<PasswordChange>(EMPTY);
  const [submitted, setSubmitted] = useState(false);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setValues(EMPTY);
        setSubmitted(false);
        // The change signed out every other session.
        void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
      },
    }),
  );
  const errors = submitted ? passwordChangeErrors(values) : {};
  const serverFieldErrors = (change.error?.data as { fieldErrors?: { path: string; message: string }[] } | undefined)?.fieldErrors ?? [];
  const serverError = (field: keyof PasswordChange) => serverFieldErrors.find((e) => e.path === field)?.message;
  const field = (name: keyof PasswordChange, label: string, autoComplete: string) => (
    <Field label={label} htmlFor={`account-${name}`} error={errors[name] ?? serverError(name)} className="w-72">
      <input
        id={`account-${name}`}
        type="password"
        autoComplete={autoComplete}
        value={values[name]}
        onChange={(e) => {
          setValues({ ...values, [name]: e.target.value });
          change.reset();
        }}
        className={inputClass}
      />
    </Field>
  );
  return (
    <Card title="Password">
      <form
        className="flex flex-wrap items-start gap-3"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (Object.keys(passwordChangeErrors(values)).length > 0) return;
          change.mutate({ currentPassword: values.currentPassword, newPassword: values.newPassword });
        }}
      >
        {field('currentPassword', 'Current password', 'current-password')}
        {field('newPassword', 'New password (10 characters or more)', 'new-password')}
        {field('confirmPassword', 'New password again', 'new-password')}
        <Button type="submit" disabled={change.isPending} className="mt-5">
          {change.isPending ? 'Changing…' : 'Change password'}
        </Button>
      </form>
      {change.isSuccess && (
        <p className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" role="status" data-testid="password-changed">
          Password changed. Your other sessions were signed out; this browser stays signed in.
        </p>
      )}
      {!serverFieldErrors.length && <div className="mt-3"><ErrorNotice error={change.error} /></div>}
    </Card>
  );
}
