// How a session ended, in the vocabulary of docs/spec.md#1-concepts: exactly one of the six causes (or null when
// hopwatch ended it), with the close code, reason, HTTP status and error that are its evidence.
// Pure: leg.ts gathers the evidence from the socket and passes the result to its one `end()` path.
import type { Cause } from '@hopwatch/shared/protocol';

export interface SessionEnd {
  /** null: hopwatch ended the session itself (stop, reload, leg removed); not a drop */
  cause: Cause | null;
  closeCode: number | null;
  closeReason: string | null;
  httpStatus: number | null;
  error: string | null;
}

/** Where the attempt was when it ended. Only `open` sessions were ever up; the others are failed attempts. */
export type AttemptStage = 'connecting' | 'opening' | 'open';

export interface ErrorLike {
  code?: string | undefined;
  message: string;
}

/** What the socket told us by the time ws emitted 'close'. */
export interface CloseEvidence {
  stage: AttemptStage;
  /** the close event's code: the close frame's code, 1005 for a frame without one, 1006 for none at all */
  code: number;
  reason: string;
  /** the first error ws reported: request, DNS, TCP, TLS, or a protocol error (WS_ERR_*) */
  wsError: ErrorLike | null;
  /** the last error on the TCP/TLS socket itself (ECONNRESET, EPIPE...), which ws does not re-emit */
  socketError: ErrorLike | null;
  /** status of an HTTP response ws refused (a 101 with a bad Sec-WebSocket-Accept, say) */
  httpStatus: number | null;
  /** the open step in progress, e.g. "open step 1 of 2" */
  openStep: string | null;
}

/** RFC 6455: the code a close event reports when no close frame was received. */
export const CLOSE_ABNORMAL = 1006;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

const NO_EVIDENCE = { closeCode: null, closeReason: null, httpStatus: null, error: null } as const;

export function endedByHopwatch(): SessionEnd {
  return { cause: null, ...NO_EVIDENCE };
}

export function heartbeatTimeout(timeoutMs: number): SessionEnd {
  return { cause: 'heartbeat_timeout', ...NO_EVIDENCE, error: `no heartbeat reply within ${timeoutMs} ms` };
}

export function rejectedByHttp(status: number): SessionEnd {
  return { cause: 'handshake_rejected', ...NO_EVIDENCE, httpStatus: status };
}

/** TCP or TLS done, or not, but no HTTP response within the timeout: a blackhole before the upgrade. */
export function connectTimeout(timeoutMs: number): SessionEnd {
  return {
    cause: 'connect_failed',
    ...NO_EVIDENCE,
    error: `ETIMEDOUT: no HTTP response within ${timeoutMs} ms`,
  };
}

export function openStepTimeout(step: string, timeoutMs: number): SessionEnd {
  return {
    cause: 'handshake_rejected',
    ...NO_EVIDENCE,
    error: `${step}: no reply matching expect within ${timeoutMs} ms`,
  };
}

/** Names an error the way an SRE greps for it: the errno or TLS code, with the message when it adds to it. */
export function describeError(error: ErrorLike): string {
  const { code, message } = error;
  if (!code) return message;
  return message.includes(code) ? code : `${code}: ${message}`;
}

/** Decides the cause of a session that ended because the connection closed (ws emitted 'close'). */
export function classifyClose(evidence: CloseEvidence): SessionEnd {
  const { stage, code, reason, wsError, socketError, httpStatus } = evidence;
  if (stage === 'connecting') {
    if (httpStatus !== null) {
      // An HTTP response arrived (a 101 ws refused): the hop answered, and not with a usable upgrade.
      return {
        cause: 'handshake_rejected',
        ...NO_EVIDENCE,
        httpStatus,
        error: wsError ? describeError(wsError) : null,
      };
    }
    const error = wsError ?? socketError;
    return {
      cause: 'connect_failed',
      ...NO_EVIDENCE,
      error: error ? describeError(error) : 'closed before any HTTP response',
    };
  }
  const protocolError = wsError?.code?.startsWith('WS_ERR_') ? wsError : null;
  if (protocolError) {
    // The far side sent frames ws could not accept; ws answered with `code` and cut the TCP connection.
    return { cause: 'abnormal_close', ...NO_EVIDENCE, closeCode: code, error: describeError(protocolError) };
  }
  if (code !== CLOSE_ABNORMAL) {
    const closeReason = reason === '' ? null : reason;
    if (stage === 'opening') {
      // Refusing an auth or subscribe step with a close frame is the application rejecting the handshake.
      return {
        cause: 'handshake_rejected',
        ...NO_EVIDENCE,
        closeCode: code,
        closeReason,
        error: `${evidence.openStep ?? 'open step'}: closed by the server`,
      };
    }
    return { cause: 'remote_close', ...NO_EVIDENCE, closeCode: code, closeReason };
  }
  if (socketError?.code && RESET_CODES.has(socketError.code)) {
    return { cause: 'reset', ...NO_EVIDENCE, closeCode: CLOSE_ABNORMAL, error: socketError.code };
  }
  return {
    cause: 'abnormal_close',
    ...NO_EVIDENCE,
    closeCode: CLOSE_ABNORMAL,
    error: socketError ? describeError(socketError) : null,
  };
}
