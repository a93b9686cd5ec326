// Cross-site WebSocket hijacking guard: a browser page from another origin must not read the live stream.

/**
 * Whether a WebSocket upgrade's Origin may connect. No Origin means a non-browser client (curl, a script),
 * which the same-origin policy does not protect anyway, so it is allowed; auth covers those.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (
    host !== undefined &&
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
    parsed.host === host
  ) {
    return true;
  }
  return allowed.some((entry) => normalizeOrigin(entry) === parsed.origin);
}

function normalizeOrigin(entry: string): string | null {
  try {
    return new URL(entry).origin;
  } catch {
    return null;
  }
}
