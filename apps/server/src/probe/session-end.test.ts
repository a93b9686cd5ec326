import { describe, expect, it } from 'vitest';
import { type CloseEvidence, classifyClose, describeError, type SessionEnd } from './session-end.js';

const base: CloseEvidence = {
  stage: 'open',
  code: 1006,
  reason: '',
  wsError: null,
  socketError: null,
  httpStatus: null,
  openStep: null,
};

const refused = { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' };
const tlsSelfSigned = { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' };
const reset = { code: 'ECONNRESET', message: 'read ECONNRESET' };

describe('classifyClose', () => {
  it.each<[string, Partial<CloseEvidence>, Partial<SessionEnd>]>([
    [
      'TCP refused',
      { stage: 'connecting', wsError: refused },
      { cause: 'connect_failed', error: 'ECONNREFUSED' },
    ],
    [
      'TLS verification failed',
      { stage: 'connecting', wsError: tlsSelfSigned },
      { cause: 'connect_failed', error: 'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate' },
    ],
    [
      'FIN before any HTTP response',
      { stage: 'connecting', wsError: { code: 'ECONNRESET', message: 'socket hang up' } },
      { cause: 'connect_failed', error: 'ECONNRESET: socket hang up' },
    ],
    [
      'a 101 ws refused',
      { stage: 'connecting', httpStatus: 101, wsError: { message: 'Invalid Sec-WebSocket-Accept header' } },
      { cause: 'handshake_rejected', httpStatus: 101, error: 'Invalid Sec-WebSocket-Accept header' },
    ],
    [
      'close frame 1012 with a reason',
      { code: 1012, reason: 'service restart' },
      { cause: 'remote_close', closeCode: 1012, closeReason: 'service restart', error: null },
    ],
    [
      'close frame without a code',
      { code: 1005 },
      { cause: 'remote_close', closeCode: 1005, closeReason: null },
    ],
    [
      'close frame wins over a reset that follows it',
      { code: 1001, socketError: reset },
      { cause: 'remote_close', closeCode: 1001 },
    ],
    ['FIN without a close frame', {}, { cause: 'abnormal_close', closeCode: 1006, error: null }],
    ['RST', { socketError: reset }, { cause: 'reset', closeCode: 1006, error: 'ECONNRESET' }],
    [
      'EPIPE writing to a dead peer',
      { socketError: { code: 'EPIPE', message: 'write EPIPE' } },
      { cause: 'reset', error: 'EPIPE' },
    ],
    [
      'keepalive timeout on the socket',
      { socketError: { code: 'ETIMEDOUT', message: 'read ETIMEDOUT' } },
      { cause: 'abnormal_close', closeCode: 1006, error: 'ETIMEDOUT' },
    ],
    [
      'a protocol error from the far side',
      { code: 1002, wsError: { code: 'WS_ERR_INVALID_OPCODE', message: 'Invalid opcode 3' } },
      { cause: 'abnormal_close', closeCode: 1002, error: 'WS_ERR_INVALID_OPCODE: Invalid opcode 3' },
    ],
    [
      'close frame during an open step',
      { stage: 'opening', code: 4001, reason: 'bad token', openStep: 'open step 1 of 2' },
      {
        cause: 'handshake_rejected',
        closeCode: 4001,
        closeReason: 'bad token',
        error: 'open step 1 of 2: closed by the server',
      },
    ],
    ['RST during an open step', { stage: 'opening', socketError: reset }, { cause: 'reset' }],
  ])('%s', (_name, evidence, expected) => {
    expect(classifyClose({ ...base, ...evidence })).toMatchObject(expected);
  });

  it('never reports an HTTP status for a session that upgraded', () => {
    expect(classifyClose({ ...base, code: 1000 }).httpStatus).toBeNull();
  });
});

describe('describeError', () => {
  it.each([
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nowhere.invalid' }, 'ENOTFOUND'],
    [
      { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' },
      'CERT_HAS_EXPIRED: certificate has expired',
    ],
    [{ message: 'Opening handshake has timed out' }, 'Opening handshake has timed out'],
  ])('%j → %s', (error, text) => {
    expect(describeError(error)).toBe(text);
  });
});
