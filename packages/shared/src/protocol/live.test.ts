import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from './live.js';

describe('parseClientMessage', () => {
  it('accepts a ping', () => {
    expect(parseClientMessage('{"type":"ping","t":12.5}')).toEqual({
      ok: true,
      value: { type: 'ping', t: 12.5 },
    });
  });
  it.each([
    ['not json', 'not valid JSON'],
    ['{"type":"ping"}', 't:'],
    ['{"type":"ping","t":"x"}', 't:'],
    ['{"type":"subscribe"}', 'type'],
    ['[]', '(root)'],
    ['null', '(root)'],
  ])('rejects %j with a message naming the problem', (text, fragment) => {
    const result = parseClientMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(fragment);
  });
});

describe('parseServerMessage', () => {
  it('accepts hello v1 and rejects other versions', () => {
    expect(parseServerMessage('{"type":"hello","v":1,"seq":0,"serverTime":1}').ok).toBe(true);
    expect(parseServerMessage('{"type":"hello","v":2,"seq":0,"serverTime":1}').ok).toBe(false);
  });
  it('accepts an rtt event and rejects an unknown event kind', () => {
    const rtt = {
      type: 'event',
      seq: 4,
      event: {
        kind: 'rtt',
        ts: 1,
        target: 't',
        leg: 'l',
        sessionId: 's',
        seq: 1,
        rttMs: 1.5,
        suspect: false,
      },
    };
    expect(parseServerMessage(JSON.stringify(rtt)).ok).toBe(true);
    const bad = { ...rtt, event: { ...rtt.event, kind: 'teleport' } };
    expect(parseServerMessage(JSON.stringify(bad)).ok).toBe(false);
  });
});
