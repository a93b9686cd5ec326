// Verdicts are stored as the JSON of the version that judged them. Fields added later (`evidence`, `final`) have
// defaults in the wire schema, but a response is encoded, never parsed, so a verdict an older hopwatch stored
// reached GET /api/drops without them and the encoder answered 500. Every stored verdict is read through the
// schema, which fills the defaults; one that does not fit it is reported and skipped, never served broken.
import { type HopEvent, type Verdict, verdictSchema } from '@hopwatch/shared/protocol';

export type StoredShapeReporter = (error: unknown, context: string) => void;

/** A stored verdict body (parsed JSON), as the current schema reads it; null (reported) if it cannot be. */
export function readStoredVerdict(body: unknown, id: string, report: StoredShapeReporter): Verdict | null {
  const parsed = verdictSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  report(parsed.error, `stored verdict ${id} does not fit the verdict schema`);
  return null;
}

/** A stored event, with a verdict event's verdict read as readStoredVerdict reads it. */
export function readStoredEvent(event: HopEvent, seq: number, report: StoredShapeReporter): HopEvent | null {
  if (event.kind !== 'verdict') return event;
  const verdict = readStoredVerdict(event.verdict, `in event ${seq}`, report);
  return verdict ? { ...event, verdict } : null;
}
