import { describe, expect, it } from 'vitest';
import { redactHeaders, redactSecretsInText, redactUrl, redactUrlsInText } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['wss://t3.example.com/ws', 'wss://t3.example.com/ws'],
    ['ws://devvm:3773', 'ws://devvm:3773'],
    ['wss://bob:hunter2@t3.example.com/ws', 'wss://***@t3.example.com/ws'],
    ['wss://bob@t3.example.com/ws', 'wss://***@t3.example.com/ws'],
    ['wss://bob:p@ss@t3.example.com:8443/ws', 'wss://***@t3.example.com:8443/ws'],
    ['wss://x/ws?token=abc', 'wss://x/ws?token=***'],
    ['wss://x/ws?room=1&access_token=abc&v=2', 'wss://x/ws?room=1&access_token=***&v=2'],
    [
      'wss://x/ws?apiKey=1&api-key=2&SECRET=3&password=4',
      'wss://x/ws?apiKey=***&api-key=***&SECRET=***&password=***',
    ],
    ['wss://x/ws?X-Amz-Signature=abc&auth=z&sig=q', 'wss://x/ws?X-Amz-Signature=***&auth=***&sig=***'],
    ['wss://x/ws?to%6Ben=abc', 'wss://x/ws?to%6Ben=***'],
    ['wss://x/ws?room=lobby&user=ann', 'wss://x/ws?room=lobby&user=ann'],
    ['wss://x/ws#access_token=abc&state=1', 'wss://x/ws#access_token=***&state=1'],
    ['wss://x/ws;jsessionid=abc', 'wss://x/ws;jsessionid=***'],
    ['wss://x/ws?token=', 'wss://x/ws?token=***'],
    ['wss://x/ws?token', 'wss://x/ws?token'],
    ['not a url at all', 'not a url at all'],
    ['u:p@host/ws?token=1', '***@host/ws?token=***'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe('redactHeaders', () => {
  it('hides every value except the ones that only route the request', () => {
    expect(
      redactHeaders({
        Host: 't3.example.com',
        origin: 'https://t3.example.com',
        'User-Agent': 'hopwatch',
        Authorization: 'Bearer abc',
        Cookie: 'session=1',
        'X-Custom': 'anything',
      }),
    ).toEqual({
      Host: 't3.example.com',
      origin: 'https://t3.example.com',
      'User-Agent': 'hopwatch',
      Authorization: '***',
      Cookie: '***',
      'X-Custom': '***',
    });
  });
});

describe('redactUrlsInText', () => {
  it('redacts every URL in a message and leaves the rest alone', () => {
    expect(
      redactUrlsInText(
        'connect wss://a:b@x/ws?token=t failed; retry "ws://y/ws?key=k" (see https://docs/x?sig=s)',
      ),
    ).toBe('connect wss://***@x/ws?token=*** failed; retry "ws://y/ws?key=***" (see https://docs/x?sig=***)');
  });
});

describe('redactSecretsInText', () => {
  it.each([
    ['bye /ws?token=S3CRET', 'bye /ws?token=***'],
    ['token=S3CRET', 'token=***'],
    ['going away (api_key=abc123, region=eu)', 'going away (api_key=***, region=eu)'],
    ['see wss://ops:pw@t3.example.com/ws?sig=zz', 'see wss://***@t3.example.com/ws?sig=***'],
    ['auth failed: Bearer abc.def-ghi', 'auth failed: Bearer ***'],
    ['Authorization: Basic b3BzOnB3', 'Authorization: Basic ***'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature expired', 'jwt *** expired'],
    ['proxy ops:hunter2@10.0.0.1 refused', 'proxy ***@10.0.0.1 refused'],
    ['normal close', 'normal close'],
    ['ratio=0.5 seq=12', 'ratio=0.5 seq=12'],
    ['hopwatch lab: lb closed the session', 'hopwatch lab: lb closed the session'],
    ['ECONNRESET: read ECONNRESET', 'ECONNRESET: read ECONNRESET'],
  ])('%j → %j', (text, redacted) => {
    expect(redactSecretsInText(text)).toBe(redacted);
  });
});
