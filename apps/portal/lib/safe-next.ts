/**
 * Where to go after sign-in: the `next` query parameter when it is a path on this portal, else `fallback`.
 * Browsers read `\` as `/` and drop tabs and newlines from URLs, so `/\evil.example` or `/\t/evil.example`
 * would leave the site as `//evil.example` does; such values, control characters and whitespace are refused,
 * also when they only appear after percent-decoding (a router may decode the path once more).
 */
const PLACEHOLDER_ORIGIN = 'http://portal.invalid';

/** Control characters, whitespace (code points up to space, and DEL) and backslashes. */
function hasUnsafeCharacter(value: string): boolean {
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f || character === '\\') return true;
  }
  return false;
}

function decodedForms(value: string): string[] {
  const forms = [value];
  for (let i = 0; i < 3; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(forms[forms.length - 1]);
    } catch {
      return [];
    }
    if (decoded === forms[forms.length - 1]) break;
    forms.push(decoded);
  }
  return forms;
}

export function safeNext(next: string | null | undefined, fallback = '/runs'): string {
  if (!next || !next.startsWith('/')) return fallback;
  const forms = decodedForms(next);
  if (forms.length === 0) return fallback;
  for (const form of forms) {
    if (hasUnsafeCharacter(form)) return fallback;
    if (form.startsWith('//') || form.startsWith('/\\')) return fallback;
  }
  let url: URL;
  try {
    url = new URL(next, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
