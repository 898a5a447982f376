'use client';
import { useState } from 'react';

export function TagInput({ onAdd }: { onAdd: (tag: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const tag = value.trim();
        if (tag) onAdd(tag);
        setValue('');
      }}
    >
      <input aria-label="Add tag" value={value} onChange={(e) => setValue(e.target.value)} placeholder="+ tag" className="w-24 rounded border border-slate-200 px-1.5 py-0.5 text-xs" />
    </form>
  );
}
