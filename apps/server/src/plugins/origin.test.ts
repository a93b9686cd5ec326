import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin.js';

const HOST = 'hopwatch.internal:8080';

describe('isOriginAllowed', () => {
  it.each([
    ['no Origin (curl, scripts: not a browser)', undefined, [], true],
    ['the server itself over http', 'http://hopwatch.internal:8080', [], true],
    ['the server itself over https (behind TLS termination)', 'https://hopwatch.internal:8080', [], true],
    ['an allowed origin', 'https://noc.example.com', ['https://noc.example.com'], true],
    [
      'an allowed origin written with a path',
      'https://noc.example.com',
      ['https://noc.example.com/wall'],
      true,
    ],
    ['another site', 'https://evil.example', [], false],
    ['the same host on another port', 'http://hopwatch.internal:9090', [], false],
    ['a look-alike suffix', 'http://hopwatch.internal:8080.evil.example', [], false],
    ['the opaque origin of a sandboxed frame or file:', 'null', [], false],
    ['garbage', 'not a url', ['not a url'], false],
    ['a non-http scheme with the same host', 'ftp://hopwatch.internal:8080', [], false],
    ['an allowed origin with another scheme', 'http://noc.example.com', ['https://noc.example.com'], false],
  ])('%s → %s', (_name, origin, allowed, result) => {
    expect(isOriginAllowed(origin, HOST, allowed)).toBe(result);
  });

  it('refuses a browser Origin when the request has no Host to compare with', () => {
    expect(isOriginAllowed('http://hopwatch.internal:8080', undefined, [])).toBe(false);
  });
});
