import { z } from 'zod';
import { ERROR_STATUS } from '@finecity/types';

/** Every route describes itself once; the OpenAPI 3.1 document is built from those descriptions. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put';
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  query?: z.ZodType;
  body?: z.ZodType;
  multipart?: { fields: z.ZodType; files: { name: string; min: number; max: number } };
  headers?: Record<string, string>;
  responses: Record<number, string>;
}

export class ApiRegistry {
  readonly docs: RouteDoc[] = [];

  add(doc: RouteDoc): void {
    this.docs.push(doc);
  }

  document(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const d of this.docs) {
      const p = d.path.replace(/:([A-Za-z]+)/g, '{$1}');
      paths[p] ??= {};
      paths[p][d.method] = operation(d);
    }
    return {
      openapi: '3.1.0',
      info: { ...info, description: 'FineCity city-management case API. Errors: {"error":{"code","message","details"?}}.' },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Error: errorSchema() },
      },
      paths,
    };
  }
}

const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

function operation(d: RouteDoc): Record<string, unknown> {
  const params: unknown[] = [...(d.path.match(/:([A-Za-z]+)/g) ?? [])].map((m) => ({ name: m.slice(1), in: 'path', required: true, schema: { type: 'string' } }));
  if (d.query) {
    const js = schemaOf(d.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {})) params.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
  }
  for (const [name, description] of Object.entries(d.headers ?? {})) params.push({ name, in: 'header', required: false, description, schema: { type: 'string' } });
  const op: Record<string, unknown> = { summary: d.summary, tags: [d.tag], parameters: params, responses: responses(d) };
  if (d.auth) op.security = [{ bearer: [] }];
  if (d.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(d.body) } } };
  if (d.multipart) {
    const fields = schemaOf(d.multipart.fields) as { properties?: Record<string, unknown>; required?: string[] };
    const f = d.multipart.files;
    const files = { type: 'array', minItems: f.min, maxItems: f.max, items: { type: 'string', contentMediaType: 'image/*' } };
    op.requestBody = {
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', properties: { ...fields.properties, [f.name]: files }, required: [...(fields.required ?? []), ...(f.min > 0 ? [f.name] : [])] } } },
    };
  }
  return op;
}

function responses(d: RouteDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(d.responses)) {
    out[status] = Number(status) >= 400 ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : { description };
  }
  return out;
}

function errorSchema(): Record<string, unknown> {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string', enum: Object.keys(ERROR_STATUS) }, message: { type: 'string' }, details: {}, requestId: { type: 'string' } },
      },
    },
  };
}
