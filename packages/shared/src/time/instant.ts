// Points in time as query strings and request bodies write them (docs/spec.md#4-http-api): epoch milliseconds or
// ISO 8601. Parsed once at the boundary, strictly: Date.parse alone accepts "2024-02-30" and local times.

export type InstantParse = { ok: true; ms: number } | { ok: false; message: string };

/** The largest time a JavaScript Date can hold (ECMAScript 21.4.1.1), so every accepted value is a Date. */
export const MAX_INSTANT_MS = 8.64e15;

const EPOCH_MS_RE = /^\d{1,16}$/;
// date, then optionally a time with a mandatory zone: a zoneless time would silently mean "server local".
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

const EXPECTED = 'must be epoch milliseconds or an ISO 8601 time like 2024-05-01T12:00:00Z';

/** Parses epoch milliseconds or an ISO 8601 date / date-time; never throws. */
export function parseInstant(text: string): InstantParse {
  const trimmed = text.trim();
  if (EPOCH_MS_RE.test(trimmed)) {
    const ms = Number(trimmed);
    if (ms > MAX_INSTANT_MS) return { ok: false, message: `is out of range (got ${quote(text)})` };
    return { ok: true, ms };
  }
  const match = ISO_RE.exec(trimmed);
  if (!match) return { ok: false, message: `${EXPECTED} (got ${quote(text)})` };
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  if (h !== undefined && zone === undefined) {
    return { ok: false, message: `needs a time zone, e.g. Z or +02:00 (got ${quote(text)})` };
  }
  const fields = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
  };
  // Not Date.UTC: it maps years 0..99 to 1900..1999.
  const back = new Date(0);
  back.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  back.setUTCHours(fields.hour, fields.minute, fields.second, 0);
  const utc = back.getTime();
  // Dates roll 2024-02-30 over to March 1st; a field that changed on the way back was out of range.
  if (
    back.getUTCFullYear() !== fields.year ||
    back.getUTCMonth() !== fields.month - 1 ||
    back.getUTCDate() !== fields.day ||
    back.getUTCHours() !== fields.hour ||
    back.getUTCMinutes() !== fields.minute ||
    back.getUTCSeconds() !== fields.second
  ) {
    return { ok: false, message: `is not a valid calendar time (got ${quote(text)})` };
  }
  const millis = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1_000);
  const offset = zoneOffsetMs(zone);
  if (offset === null) return { ok: false, message: `has an invalid time zone offset (got ${quote(text)})` };
  return { ok: true, ms: utc + millis - offset };
}

function zoneOffsetMs(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return null;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** Quotes a user's value for an error message, shortened so a hostile megabyte does not come back. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}
