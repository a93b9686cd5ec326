// Host names as hopwatch reads them: `server.host` (what it binds) and `server.allowedHosts` entries and Host
// headers (what it answers to). Pure, so the config check and the HTTP guard agree.
import { isIP } from 'node:net';

/** RFC 1035: a name is at most 253 characters, each label 1–63 of letters, digits and hyphens. */
const HOST_NAME_RE =
  /^(?=.{1,253}\.?$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?$/i;

/** Whether the server could bind `host`: an IPv4/IPv6 literal or a well-formed DNS name (not resolved here). */
export function isBindableHost(host: string): boolean {
  if (host.length > 253) return false;
  return isIP(host) !== 0 || HOST_NAME_RE.test(host);
}

export interface HostEntry {
  /** lowercased, without brackets or a trailing dot */
  name: string;
  /** null: any port */
  port: number | null;
}

/** `name`, `name:port`, `[v6]`, `[v6]:port` or a bare IPv6 literal; null if malformed. */
export function parseHostEntry(text: string): HostEntry | null {
  if (text.length > 300) return null;
  if (isIP(text) === 6) return { name: text.toLowerCase(), port: null };
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/i.exec(text);
  if (!match) return null;
  const bracketed = match[1];
  if (bracketed !== undefined && isIP(bracketed) !== 6) return null;
  const name = (bracketed ?? match[2] ?? '').toLowerCase().replace(/\.$/, '');
  if (bracketed === undefined && !isBindableHost(name)) return null;
  const port = match[3] === undefined ? null : Number(match[3]);
  if (port !== null && port > 65_535) return null;
  return { name, port };
}
