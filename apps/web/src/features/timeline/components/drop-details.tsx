// Everything hopwatch recorded about one drop: the cause and its evidence (close code, HTTP status, error),
// how old the session was, how long it had been silent, and how its handshake went.
import type { Session } from '@hopwatch/shared/protocol';
import { CAUSE_HINTS, CAUSE_LABELS, causeColor } from '../../../components/ui/causes';
import { formatAge, formatDateTime, formatMs } from '../../../components/ui/format';

export function DropDetails({ session }: { session: Session }) {
  const { handshake } = session;
  const rows: [string, string][] = [];
  if (session.closeCode !== null) {
    rows.push([
      'close code',
      `${session.closeCode}${session.closeReason ? ` “${session.closeReason}”` : ''}`,
    ]);
  }
  if (session.httpStatus !== null) rows.push(['HTTP status', String(session.httpStatus)]);
  if (session.error !== null) rows.push(['error', session.error]);
  rows.push(['session age', session.durationMs === null ? '—' : formatAge(session.durationMs)]);
  if (session.silenceMs !== null) rows.push(['silent for', formatAge(session.silenceMs)]);
  rows.push([
    'handshake',
    [
      `dns ${formatMs(handshake.dnsMs)}`,
      `tcp ${formatMs(handshake.tcpMs)}`,
      `tls ${formatMs(handshake.tlsMs)}`,
      `upgrade ${formatMs(handshake.upgradeMs)}`,
    ].join(' · '),
  ]);
  rows.push(['ALPN', handshake.alpn ?? '—']);
  if (handshake.remoteAddress !== null) rows.push(['remote', handshake.remoteAddress]);

  return (
    <div className="drop-details" data-testid="drop-details">
      <div className="drop-details-head">
        <span
          className="cause-chip"
          style={{ borderLeftColor: session.cause ? causeColor(session.cause) : undefined }}
        >
          {session.cause ? CAUSE_LABELS[session.cause] : 'closed by hopwatch'}
        </span>
        <span className="drop-details-time">
          {session.closedAt === null ? 'open' : formatDateTime(session.closedAt)}
        </span>
      </div>
      {session.cause && <p className="drop-details-hint">{CAUSE_HINTS[session.cause]}</p>}
      {session.suspect && (
        <p className="drop-details-suspect">
          hopwatch itself was stalled: this drop is not evidence against the path
        </p>
      )}
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
