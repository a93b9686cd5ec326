import { incidentSchema, incidentsResponseSchema } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, isoAt, startApiFixture, T0 } from '../../test-support/api-fixture.js';

describe('/api/incidents', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApiFixture({ app: { writeRateLimit: { capacity: 1_000, refillPerSecond: 1_000 } } });
  });
  afterAll(async () => f.close());

  function post(payload: unknown, headers: Record<string, string> = {}) {
    return f.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  }

  it('saves an incident (201 with its Location) and serves it by id and in the list', async () => {
    const created = await post({
      target: 't3',
      from: T0,
      to: isoAt(600_000),
      title: 'edge drops',
      note: 'cf?',
    });
    expect(created.statusCode).toBe(201);
    const incident = incidentSchema.parse(created.json());
    expect(incident).toMatchObject({
      target: 't3',
      from: T0,
      to: T0 + 600_000,
      title: 'edge drops',
      note: 'cf?',
    });
    expect(created.headers.location).toBe(`/api/incidents/${incident.id}`);

    const one = await f.app.inject({ url: `/api/incidents/${incident.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(incident);

    const list = incidentsResponseSchema.parse(
      (await f.app.inject({ url: '/api/incidents?target=t3' })).json(),
    );
    expect(list.incidents.map((i) => i.id)).toContain(incident.id);
  });

  it('defaults the note to empty and accepts epoch ms as strings', async () => {
    const created = await post({ target: 't3', from: String(T0), to: String(T0), title: 'blip' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ note: '', from: T0, to: T0 });
  });

  it.each([
    ['an unknown id', '/api/incidents/nope', 404, 'unknown_incident'],
    ['an id longer than any we hand out', `/api/incidents/${'x'.repeat(500)}`, 414, 'uri_too_long'],
    ['a bad limit', '/api/incidents?limit=0', 400, 'bad_query'],
  ])('GET with %s → %d', async (_name, url, status, error) => {
    const response = await f.app.inject({ url });
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toBe(error);
  });

  const valid = { target: 't3', from: T0, to: T0 + 1, title: 't' };
  it.each([
    ['a missing title', { ...valid, title: undefined }, 400, 'bad_body', 'title:'],
    ['an empty title', { ...valid, title: '' }, 400, 'bad_body', 'title:'],
    ['to before from', { ...valid, to: T0 - 1 }, 400, 'bad_body', 'to: must not be before from'],
    ['a garbage time', { ...valid, from: 'soon' }, 400, 'bad_body', 'from: must be epoch milliseconds'],
    ['a fractional time', { ...valid, from: 1.5 }, 400, 'bad_body', 'from: must be non-negative integer'],
    ['a negative time', { ...valid, from: -1 }, 400, 'bad_body', 'from: must be non-negative integer'],
    ['an unknown target', { ...valid, target: 'nope' }, 404, 'unknown_target', 'known targets: t3'],
    ['an array body', [valid], 400, 'bad_body', 'body: must be a JSON object'],
    ['malformed JSON', '{"target":', 400, 'bad_body', ''],
    ['an empty body', '', 400, 'bad_body', ''],
    ['a 10,001-character note', { ...valid, note: 'n'.repeat(10_001) }, 400, 'bad_body', 'note:'],
  ])('POST with %s → %d %s', async (_name, body, status, error, message) => {
    const response = await post(body);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({ error, message: expect.stringContaining(message) });
  });

  it('refuses other content types with 415 and huge bodies with 413, as JSON', async () => {
    const form = await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
    expect(form.json()).toEqual({
      error: 'unsupported_media_type',
      message: 'content-type application/x-www-form-urlencoded is not accepted; send application/json',
    });
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const huge = await post({ ...valid, note: 'n'.repeat(200_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toBe('body_too_large');
  });
});
