// HTTP header rules for every header a config sets (a leg's, Prometheus'): a bad name or a line break in a
// value would be rejected by Node at request time, so it is a config error, named by its key path.

/** Reports each bad header through `error(keyPath, message)`. */
export function checkHeaders(
  headers: Readonly<Record<string, string>>,
  path: string,
  error: (at: string, message: string) => void,
): void {
  for (const [header, value] of Object.entries(headers)) {
    // RFC 9110 token.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
      error(`${path}[${JSON.stringify(header)}]`, 'is not a valid HTTP header name');
    } else if (/[\r\n\0]/.test(value)) {
      error(`${path}.${header}`, 'must not contain line breaks');
    }
  }
}
