import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('safeNext (where sign-in goes next)', () => {
  it('keeps paths on this portal, with their query and fragment', () => {
    expect(safeNext('/workers')).toBe('/workers');
    expect(safeNext('/runs/abc?tab=metrics#loss')).toBe('/runs/abc?tab=metrics#loss');
    expect(safeNext('/runs?name=a%2Fb')).toBe('/runs?name=a%2Fb');
  });

  it('falls back to the runs page without a value', () => {
    expect(safeNext(null)).toBe('/runs');
    expect(safeNext(undefined)).toBe('/runs');
    expect(safeNext('')).toBe('/runs');
  });

  it.each([
    ['protocol-relative', '//evil.example/workers'],
    ['backslash after the slash (read as //)', '/\\localhost:3400/workers'],
    ['two backslashes', '/\\\\evil.example'],
    ['tab between slashes (dropped by URL parsers)', '/\t/evil.example'],
    ['newline between slashes', '/\n/evil.example'],
    ['leading space', ' /workers'],
    ['absolute URL', 'https://evil.example/'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path', 'workers'],
    ['encoded slash and backslash (%2F%5C)', '%2F%5Clocalhost%3A3400%2Fworkers'],
    ['slash then encoded backslash', '/%5Clocalhost:3400/workers'],
    ['slash then encoded slash', '/%2Fevil.example'],
    ['slash then encoded tab and slash', '/%09/evil.example'],
    ['double-encoded backslash', '/%255Cevil.example'],
    ['double-encoded slash', '/%252Fevil.example'],
    ['malformed percent-encoding', '/%E0%A4%A'],
  ])('refuses %s', (_what, next) => {
    expect(safeNext(next)).toBe('/runs');
  });
});
