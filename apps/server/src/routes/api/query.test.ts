import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiFailure } from '../../plugins/errors.js';
import {
  assertRange,
  durationParam,
  instantParam,
  limitParam,
  nameParam,
  parseBody,
  parseQuery,
  sequenceParam,
} from './query.js';

const schema = z.object({
  target: nameParam,
  from: instantParam.optional(),
  step: durationParam(1_000).optional(),
  since: sequenceParam.optional(),
  limit: limitParam(1_000, 100),
});

function failure(run: () => unknown): ApiFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiFailure) return error;
    throw error;
  }
  throw new Error('expected an ApiFailure');
}

describe('parseQuery', () => {
  it('parses times, durations, sequence numbers and limits, with the default limit', () => {
    expect(
      parseQuery(schema, { target: 't3', from: '2024-05-01T00:00:00Z', step: '1m', since: '42' }),
    ).toEqual({ target: 't3', from: Date.UTC(2024, 4, 1), step: 60_000, since: 42, limit: 100 });
    expect(parseQuery(schema, { target: 't3', from: '1000', step: '5000', limit: '1000' })).toEqual({
      target: 't3',
      from: 1_000,
      step: 5_000,
      limit: 1_000,
    });
  });

  it.each([
    [{}, 'target: is required'],
    [{ target: '' }, 'target: must not be empty'],
    [{ target: 't', from: 'yesterday' }, 'from: must be epoch milliseconds or an ISO 8601 time'],
    [{ target: 't', step: '10ms' }, 'step: must be at least 1000 ms'],
    [{ target: 't', step: 'soon' }, 'step: must be a duration'],
    [{ target: 't', since: '-1' }, 'since: must be a non-negative integer'],
    [{ target: 't', limit: '0' }, 'limit: must be an integer from 1 to 1000 (got "0")'],
    [{ target: 't', limit: '1001' }, 'limit: must be an integer from 1 to 1000'],
    [{ target: 't', limit: '1e3' }, 'limit: must be an integer from 1 to 1000'],
    [{ target: 't', limit: ['1', '2'] }, 'limit: must be given once'],
    [{ target: 't', bogus: '1' }, 'bogus: unknown parameter (expected target, from, step, since, limit)'],
    [{ target: 't', ['__proto__']: '1' }, '__proto__: unknown parameter'],
    [{ target: 'x'.repeat(600) }, 'target: is too long (at most 512 characters)'],
    [{ target: 'x'.repeat(101) }, 'target: must be at most 100 characters'],
  ])('%j → bad_query %s', (query, message) => {
    const error = failure(() => parseQuery(schema, query));
    expect(error.code).toBe('bad_query');
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain(message);
  });

  it('treats a null-prototype query object like any other', () => {
    const query = Object.assign(Object.create(null) as object, { target: 't3' });
    expect(parseQuery(schema, query).target).toBe('t3');
  });
});

describe('parseBody', () => {
  const body = z.object({ title: z.string().min(1) });
  it.each([undefined, null, 'text', [], 42])('refuses a %j body as bad_body', (value) => {
    const error = failure(() => parseBody(body, value));
    expect(error.code).toBe('bad_body');
    expect(error.message).toBe('body: must be a JSON object');
  });
  it('names the field of a wrong shape', () => {
    const error = failure(() => parseBody(body, { title: '' }));
    expect(error.code).toBe('bad_body');
    expect(error.message).toMatch(/^title: /);
  });
});

describe('assertRange', () => {
  it('refuses to before from and accepts an empty range', () => {
    expect(failure(() => assertRange(2, 1)).message).toContain('to: must not be before from');
    expect(() => assertRange(1, 1)).not.toThrow();
  });
});
