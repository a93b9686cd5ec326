// The login cookie's value (docs/spec.md#5-security): a signed session, never the token itself. `v1.<expiry>.<id>.<mac>`
// where mac = HMAC-SHA256 over `v1.<expiry>.<id>` with a key derived from `server.authToken`, so changing the
// token ends every session, a stolen cookie stops working at its expiry, and the token never sits in a browser.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Shorter than the 30 days the raw-token cookie had: a wall screen logs in again once a week. */
export const SESSION_LIFE_MS = 7 * 86_400_000;
const VERSION = 'v1';

export type SessionCheck = 'valid' | 'expired' | 'invalid';

export interface SessionSigner {
  /** a fresh session value, valid for `lifeMs` from now */
  issue(): string;
  /** a session this server signed ('valid' until it expires), or anything else ('invalid': a guess) */
  verify(value: string): SessionCheck;
  readonly lifeMs: number;
}

export function createSessionSigner(
  authToken: string,
  options: { now?: () => number; lifeMs?: number } = {},
): SessionSigner {
  const now = options.now ?? Date.now;
  const lifeMs = options.lifeMs ?? SESSION_LIFE_MS;
  // Derived, not the token: the key only ever signs, and a leaked signature says nothing about the token.
  const key = createHash('sha256').update(`hopwatch session key\0${authToken}`).digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    lifeMs,
    issue() {
      const payload = `${VERSION}.${now() + lifeMs}.${randomBytes(16).toString('base64url')}`;
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    verify(value) {
      const parts = value.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) return 'invalid';
      const [, expiry, id, signature] = parts as [string, string, string, string];
      if (!/^\d{1,16}$/.test(expiry) || id === '') return 'invalid';
      const expected = mac(`${VERSION}.${expiry}.${id}`);
      const presented = Buffer.from(signature, 'base64url');
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return 'invalid';
      return Number(expiry) > now() ? 'valid' : 'expired';
    },
  };
}
