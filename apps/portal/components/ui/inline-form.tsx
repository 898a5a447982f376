import type { ReactNode } from 'react';

/**
 * A row of labelled inputs and a submit button. The inputs are uncontrolled (give them `name`, and
 * `defaultValue` where needed) and read on submit, so what a user typed before React hydrated is kept: a
 * controlled input would be reset to its initial state.
 */
export function InlineForm({ onSubmit, children }: { onSubmit: (values: Record<string, string>, form: HTMLFormElement) => void; children: ReactNode }) {
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const values: Record<string, string> = {};
        for (const [name, value] of new FormData(form)) if (typeof value === 'string') values[name] = value;
        onSubmit(values, form);
      }}
    >
      {children}
    </form>
  );
}
