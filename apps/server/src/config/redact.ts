// Secrets never leave hopwatch (docs/spec.md#2-configuration): URL userinfo, token-like query values and header values show
// as ***. Used for every output: check-config, logs, the API, error messages about a URL.

export const REDACTED = '***';

/** Query (and fragment) parameter names whose values are secrets: `token`, `api_key`, `X-Amz-Signature`… */
const SECRET_PARAM_RE = /token|key|secret|password|passwd|auth|sig|session|jwt/i;

/** Headers whose values say where a leg goes rather than who it is: kept so a reader can check the config. */
const PLAIN_HEADERS = new Set(['host', 'origin', 'user-agent', 'sec-websocket-protocol']);

/**
 * Redacts a URL as written, without re-serializing it (so `ws://host` stays `ws://host`, not `ws://host/`):
 * userinfo becomes `***@`, and the values of secret-looking query and fragment parameters become `***`.
 * Works on text that is not a valid URL too, since error messages quote what the user wrote.
 */
export function redactUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const rest = url.slice(authorityStart);
  const authorityLength = rest.search(/[/?#]/);
  const authority = authorityLength === -1 ? rest : rest.slice(0, authorityLength);
  const tail = authorityLength === -1 ? '' : rest.slice(authorityLength);

  // The last @ ends the userinfo: passwords may contain an unescaped @, host names never do.
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : `${REDACTED}@${authority.slice(at + 1)}`;
  return url.slice(0, authorityStart) + host + redactParams(tail);
}

function redactParams(tail: string): string {
  // Rewrite each `name=value` after ? and after # (OAuth-style fragments carry tokens too).
  return tail.replace(/([?#&;])([^=&#;]*)=([^&#;]*)/g, (whole, sep: string, name: string) =>
    SECRET_PARAM_RE.test(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Header values become `***`, except the few that only route the request (Host, Origin, User-Agent). */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = PLAIN_HEADERS.has(name.toLowerCase()) ? value : REDACTED;
  }
  return out;
}

/** Redacts every ws/wss/http/https URL inside free text, e.g. an error message that quotes the URL it tried. */
export function redactUrlsInText(text: string): string {
  return text.replace(/\b(?:wss?|https?):\/\/[^\s"'<>`]+/gi, (match) => {
    // Prose punctuation after a URL ("(see https://x?sig=s).") belongs to the sentence, not the URL.
    const url = match.replace(/[).,;:!?]+$/, '');
    return redactUrl(url) + match.slice(url.length);
  });
}
