// A stored session for table tests: closed with `cause`, or open when closedAt is null.
import { EMPTY_HANDSHAKE, type Session } from '@hopwatch/shared/protocol';

export function sessionFixture(
  id: string,
  openedAt: number,
  closedAt: number | null,
  cause: Session['cause'] = null,
  leg = 'edge',
): Session {
  return {
    id,
    target: 'lab',
    leg,
    openedAt,
    closedAt,
    durationMs: closedAt === null ? null : closedAt - openedAt,
    silenceMs: null,
    cause,
    closeCode: null,
    closeReason: null,
    httpStatus: null,
    error: null,
    suspect: false,
    handshake: EMPTY_HANDSHAKE,
  };
}
