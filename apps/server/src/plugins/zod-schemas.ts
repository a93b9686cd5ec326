// Route schemas are zod (the wire types of @hopwatch/shared/protocol and the query schemas beside each route):
// the same objects validate requests, check responses, and become the OpenAPI document (openapi.ts). Fastify
// validates with apiValidatorCompiler, which words every failure as before (`bad_query` / `bad_body`,
// "<param>: <what was expected>"), and serializes with fastify-type-provider-zod's compiler, so a response
// that drifts from its documented schema is a 500 in the tests rather than a silent lie in the document.
import { apiErrorSchema } from '@hopwatch/shared/protocol';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseBody, parseQuery } from '../routes/api/query.js';
import { ApiFailure } from './errors.js';

/** Routes registered after this validate and serialize with their zod schemas. */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(apiValidatorCompiler);
  // The provider's: encodes the reply with the route's response schema, then JSON.stringify.
  app.setSerializerCompiler(serializerCompiler);
}

export const apiValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart, url }) => {
  if (httpPart === 'querystring' && !(schema instanceof z.ZodObject)) {
    throw new Error(`${url}: a querystring schema must be a z.object`);
  }
  return (data: unknown) => {
    try {
      switch (httpPart) {
        case 'querystring':
          return { value: parseQuery(schema as z.ZodObject, data) };
        case 'body':
          return { value: parseBody(schema, data) };
        default: {
          // Path parameters: Fastify has matched the route already, so a mismatch is a malformed request.
          const parsed = schema.safeParse(data);
          if (parsed.success) return { value: parsed.data };
          return { error: new ApiFailure('bad_request', `${httpPart}: ${parsed.error.issues[0]?.message}`) };
        }
      }
    } catch (error) {
      // ApiFailure carries its own code and status: Fastify passes such an error to the error handler as is.
      if (error instanceof ApiFailure) return { error };
      throw error;
    }
  };
};

/** A route's success responses plus the `{ error, message }` body every error status carries. */
export function withApiErrors<Responses extends Record<number, z.ZodType>>(responses: Responses) {
  return { ...responses, '4xx': apiErrorSchema, '5xx': apiErrorSchema };
}
