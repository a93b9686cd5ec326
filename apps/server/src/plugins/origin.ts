// Cross-site WebSocket hijacking guard: a browser page from another origin must not read the live stream.
// Its own origins are the server's names (plugins/host-check.ts) on the port the request came to.

/**
 * Whether a WebSocket upgrade's Origin may connect. No Origin means a non-browser client (curl, a script),
 * which the same-origin policy does not protect anyway, so it is allowed; auth covers those.
 */
export function isOriginAllowed(
  origin: string | undefined,
  isOwnOrigin: (origin: URL) => boolean,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  // The server's own names (server.allowedHosts), never the request's Host name: a rebinding page sends its
  // own name as both Host and Origin.
  if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && isOwnOrigin(parsed)) return true;
  return allowed.some((entry) => normalizeOrigin(entry) === parsed.origin);
}

function normalizeOrigin(entry: string): string | null {
  try {
    return new URL(entry).origin;
  } catch {
    return null;
  }
}
