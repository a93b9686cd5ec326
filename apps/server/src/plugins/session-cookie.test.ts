import { describe, expect, it } from 'vitest';
import { createSessionSigner } from './session-cookie.js';

describe('createSessionSigner', () => {
  let now = 1_000_000;
  const signer = createSessionSigner('the-token', { now: () => now, lifeMs: 60_000 });

  it('issues sessions that hold neither the token nor anything derived from it readably, and verifies them', () => {
    const session = signer.issue();
    expect(session).not.toContain('the-token');
    expect(session).toMatch(/^v1\.\d+\.[\w-]+\.[\w-]+$/);
    expect(signer.verify(session)).toBe('valid');
    expect(signer.issue()).not.toBe(session);
  });

  it('expires them, and refuses forged, altered or foreign ones', () => {
    const session = signer.issue();
    const [version, expiry, id, mac] = session.split('.') as [string, string, string, string];
    expect(signer.verify(`${version}.${Number(expiry) + 1_000_000}.${id}.${mac}`)).toBe('invalid');
    expect(signer.verify(`${version}.${expiry}.${id}x.${mac}`)).toBe('invalid');
    expect(signer.verify('the-token')).toBe('invalid');
    expect(signer.verify('')).toBe('invalid');
    expect(createSessionSigner('another-token', { now: () => now }).verify(session)).toBe('invalid');
    now += 60_001;
    expect(signer.verify(session)).toBe('expired');
  });
});
