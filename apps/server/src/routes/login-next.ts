// Where a login sends the browser afterwards: the dashboard page it was asked for (`/login?next=/wall`), and
// only a path on this server, so the login page can never be used to bounce someone to another site.

/** The longest `next` kept; a longer one is not a page of ours. */
const MAX_NEXT_LENGTH = 2_048;

/**
 * `next` if it is a path on this server (`/…`, not `//host` or `/\host`, no control characters, not the login
 * itself); `/` otherwise.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_NEXT_LENGTH) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/api/')) return '/';
  return next;
}

/** The login page's own URL for a `next` (no parameter for the overview). */
export function loginUrl(next: string, failed = false): string {
  const params = new URLSearchParams();
  if (failed) params.set('failed', '1');
  if (next !== '/') params.set('next', next);
  const query = params.toString();
  return query === '' ? '/login' : `/login?${query}`;
}

/** Escapes text for an HTML attribute value. */
export function htmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
