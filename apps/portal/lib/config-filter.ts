/** Parses the runs table's config filter box: `clustering.k=1000, seed=2` → path/value pairs. */
export interface ParsedConfigFilter {
  filters: { path: string; value: string | number | boolean }[];
  error?: string;
}

function parseValue(raw: string): string | number | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw.replace(/^["'](.*)["']$/, '$1');
}

export function parseConfigFilter(text: string): ParsedConfigFilter {
  const filters: ParsedConfigFilter['filters'] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_][\w]*(?:\.\w+)*)\s*=\s*(.+)$/.exec(part);
    if (!match) return { filters, error: `“${part}” is not field=value (e.g. clustering.k=1000)` };
    filters.push({ path: match[1], value: parseValue(match[2].trim()) });
  }
  return { filters };
}
