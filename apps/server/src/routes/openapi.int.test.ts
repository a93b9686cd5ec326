// GET /api/openapi.json against the routes a real app registers (lab mode, so the lab's routes exist too):
// every /api route and /healthz is documented with its method, its query parameters (those its zod schema
// accepts) and its response schema, and nothing documented is missing from the server.
import {
  attributeResponseSchema,
  dropsResponseSchema,
  eventsResponseSchema,
  evidenceResponseSchema,
  healthSchema,
  incidentSchema,
  incidentsResponseSchema,
  labClearResponseSchema,
  labFaultSchema,
  labStatusSchema,
  outagesResponseSchema,
  rttResponseSchema,
  sessionsResponseSchema,
  targetsResponseSchema,
} from '@hopwatch/shared/protocol';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { attributeQuerySchema } from './api/attribute/index.js';
import { dropsQuerySchema } from './api/drops/index.js';
import { eventsQuerySchema } from './api/events/index.js';
import { evidenceQuerySchema } from './api/evidence/index.js';
import { incidentsQuerySchema } from './api/incidents/index.js';
import { noQuery } from './api/lab/index.js';
import { outagesQuerySchema } from './api/outages/index.js';
import { rttQuerySchema } from './api/rtt/index.js';
import { sessionsQuerySchema } from './api/sessions/index.js';
import { targetsQuerySchema } from './api/targets/index.js';
import { liveQuerySchema } from './live.js';
import { buildTestApp, type TestApp } from './test-support/test-app.js';

type Operation = `${'GET' | 'POST' | 'DELETE'} ${string}`;

/** What each documented route must say: the zod objects the route itself validates and answers with. */
const ROUTES: Record<Operation, { query?: z.ZodObject; status: number; response: z.ZodObject | null }> = {
  'GET /healthz': { status: 200, response: healthSchema },
  'GET /api/openapi.json': { status: 200, response: null },
  'POST /api/login': { status: 204, response: null },
  'POST /api/logout': { status: 204, response: null },
  'GET /api/live': { query: liveQuerySchema, status: 101, response: null },
  'GET /api/targets': { query: targetsQuerySchema, status: 200, response: targetsResponseSchema },
  'GET /api/sessions': { query: sessionsQuerySchema, status: 200, response: sessionsResponseSchema },
  'GET /api/rtt': { query: rttQuerySchema, status: 200, response: rttResponseSchema },
  'GET /api/events': { query: eventsQuerySchema, status: 200, response: eventsResponseSchema },
  'GET /api/incidents': { query: incidentsQuerySchema, status: 200, response: incidentsResponseSchema },
  'POST /api/incidents': { status: 201, response: incidentSchema },
  'GET /api/incidents/{id}': { status: 200, response: incidentSchema },
  'GET /api/drops': { query: dropsQuerySchema, status: 200, response: dropsResponseSchema },
  'GET /api/attribute': { query: attributeQuerySchema, status: 200, response: attributeResponseSchema },
  'GET /api/outages': { query: outagesQuerySchema, status: 200, response: outagesResponseSchema },
  'GET /api/evidence': { query: evidenceQuerySchema, status: 200, response: evidenceResponseSchema },
  'GET /api/lab': { query: noQuery, status: 200, response: labStatusSchema },
  'POST /api/lab/faults': { query: noQuery, status: 201, response: labFaultSchema },
  'DELETE /api/lab/faults': { query: noQuery, status: 200, response: labClearResponseSchema },
};

/** The routes Fastify holds, from its route tree (HEAD twins left out), with OpenAPI's `{param}` spelling. */
function registeredRoutes(tree: string): Operation[] {
  const prefixes: string[] = [];
  const routes: Operation[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (prefixes[depth - 1] ?? '') + (match[2] ?? '');
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) {
      routes.push(`${method} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}` as Operation);
    }
  }
  return routes;
}

describe('GET /api/openapi.json', () => {
  let t: TestApp;
  let document: OpenAPIV3_1.Document;

  beforeAll(async () => {
    t = await buildTestApp({
      configure: (config) => {
        config.lab.enabled = true;
        config.lab.schedule = [];
      },
    });
    const response = await t.app.inject({ url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    document = response.json();
  });
  afterAll(() => t.close());

  function operations(): Operation[] {
    return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {})
        .filter((key) => ['get', 'post', 'put', 'delete', 'patch'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}` as Operation),
    );
  }

  function operation(op: Operation): OpenAPIV3_1.OperationObject {
    const [method, path] = op.split(' ') as [string, string];
    const found = (document.paths?.[path] as Record<string, OpenAPIV3_1.OperationObject> | undefined)?.[
      method.toLowerCase()
    ];
    if (!found) throw new Error(`${op} is not documented`);
    return found;
  }

  it('is OpenAPI 3.1 with the server version', async () => {
    expect(document.openapi).toBe('3.1.0');
    const health = (await t.app.inject({ url: '/healthz' })).json() as { version: string };
    expect(document.info.version).toBe(health.version);
  });

  it('documents exactly the API routes the server has: every /api route and /healthz, and nothing else', () => {
    const served = registeredRoutes(t.app.printRoutes({ commonPrefix: false }))
      .filter((op) => / \/api\/| \/healthz$/.test(op))
      .sort();
    expect(served.length).toBeGreaterThan(10);
    expect(operations().sort()).toEqual(served);
    expect(Object.keys(ROUTES).sort()).toEqual(served);
  });

  it.each(Object.entries(ROUTES))('documents the query parameters of %s', (op, route) => {
    const parameters = (operation(op as Operation).parameters ?? []) as OpenAPIV3_1.ParameterObject[];
    const query = parameters.filter((p) => p.in === 'query');
    const shape = route.query?.shape ?? {};
    expect(query.map((p) => p.name).sort()).toEqual(Object.keys(shape).sort());
    for (const parameter of query) {
      const optional = (shape[parameter.name] as z.ZodType).safeParse(undefined).success;
      expect(parameter.required ?? false, `${op} ${parameter.name} required`).toBe(!optional);
    }
  });

  it.each(Object.entries(ROUTES))('documents the responses of %s', (op, route) => {
    const responses = operation(op as Operation).responses ?? {};
    expect(Object.keys(responses)).toContain(String(route.status));
    const errorSchema = (responses['4XX'] as OpenAPIV3_1.ResponseObject).content?.['application/json']
      ?.schema;
    expect(errorSchema).toMatchObject({ required: ['error', 'message'] });
    if (route.response === null) return;
    const success = (responses[String(route.status)] as OpenAPIV3_1.ResponseObject).content?.[
      'application/json'
    ]?.schema as OpenAPIV3_1.SchemaObject;
    expect(Object.keys(success.properties ?? {}).sort()).toEqual(Object.keys(route.response.shape).sort());
  });

  it('documents a request body where a route reads one', () => {
    const body = operation('POST /api/lab/faults').requestBody as OpenAPIV3_1.RequestBodyObject;
    expect(body.content['application/json']?.schema).toMatchObject({
      required: ['hop', 'kind', 'durationMs'],
    });
    expect(operation('POST /api/incidents').requestBody).toBeDefined();
  });
});
