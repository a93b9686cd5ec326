import { describe, expect, it } from 'vitest';
import { htmlAttribute, loginUrl, safeNext } from './login-next.js';

describe('safeNext', () => {
  it.each([
    ['/wall', '/wall'],
    ['/?target=lab&range=15m', '/?target=lab&range=15m'],
    ['/incidents/abc', '/incidents/abc'],
    [undefined, '/'],
    ['', '/'],
    ['wall', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['/wall\r\nSet-Cookie: x=1', '/'],
    ['/login', '/'],
    ['/login?next=/wall', '/'],
    ['/api/targets', '/'],
    [`/${'a'.repeat(3_000)}`, '/'],
    [42, '/'],
  ])('%j → %j', (next, safe) => {
    expect(safeNext(next)).toBe(safe);
  });
});

describe('loginUrl', () => {
  it.each([
    ['/', false, '/login'],
    ['/', true, '/login?failed=1'],
    ['/wall', false, '/login?next=%2Fwall'],
    ['/wall', true, '/login?failed=1&next=%2Fwall'],
  ])('%s failed=%s → %s', (next, failed, url) => {
    expect(loginUrl(next, failed)).toBe(url);
  });
});

it('htmlAttribute escapes what could end the attribute', () => {
  expect(htmlAttribute('/x?a=1&b="2"<')).toBe('/x?a=1&amp;b=&quot;2&quot;&lt;');
});
