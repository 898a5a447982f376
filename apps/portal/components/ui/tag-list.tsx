export function TagList({ tags, onSelect, onRemove }: { tags: string[]; onSelect?: (tag: string) => void; onRemove?: (tag: string) => void }) {
  if (tags.length === 0) return <span className="text-slate-300">—</span>;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {tags.map((tag) => (
        <span key={tag} className="inline-flex items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
          {onSelect ? (
            <button type="button" onClick={() => onSelect(tag)} className="hover:text-indigo-700" title={`Show runs tagged ${tag}`}>
              {tag}
            </button>
          ) : (
            tag
          )}
          {onRemove && (
            <button type="button" aria-label={`Remove tag ${tag}`} onClick={() => onRemove(tag)} className="text-slate-400 hover:text-slate-700">
              ×
            </button>
          )}
        </span>
      ))}
    </span>
  );
}
