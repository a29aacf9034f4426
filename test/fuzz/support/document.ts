import validatorModule from 'openapi-response-validator';

/** The package is CommonJS with `exports.default`: under ESM its default import is that exports object. */
type Validator = { validateResponse(status: number, body: unknown): { errors: unknown[] } | undefined };
const OpenAPIResponseValidator = ((validatorModule as unknown as { default?: unknown }).default ?? validatorModule) as new (args: unknown) => Validator;

/** A JSON Schema as the OpenAPI document holds it. */
export type Schema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: 'get' | 'post' | 'put';
  /** OpenAPI path template: /api/v1/cases/{id}. */
  path: string;
  auth: boolean;
  parameters: Parameter[];
  /** The one request media type and its schema, when the operation takes a body. */
  body: { mediaType: string; schema: Schema } | null;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  key: string;
}

export interface ApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: unknown[]; responses: Operation['responses'] }>>;
  components: { schemas: Record<string, Schema> };
}

export function operations(doc: ApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const media = op.requestBody ? Object.entries(op.requestBody.content)[0] : undefined;
      out.push({
        method: method as Operation['method'],
        path,
        auth: Array.isArray(op.security) && op.security.length > 0,
        parameters: op.parameters ?? [],
        body: media ? { mediaType: media[0], schema: media[1].schema } : null,
        responses: op.responses,
        key: `${method.toUpperCase()} ${path}`,
      });
    }
  }
  return out;
}

export interface Verdict {
  ok: boolean;
  problems: string[];
}

/** Checks answers against the document: documented status, documented media type, body valid against its schema. */
export class ResponseChecker {
  private readonly validators = new Map<string, Validator>();

  constructor(private readonly doc: ApiDocument) {}

  check(op: Operation, status: number, contentType: string | undefined, body: unknown): string[] {
    const problems: string[] = [];
    if (status >= 500) problems.push(`a ${status}`);
    const documented = op.responses[String(status)] ?? op.responses.default;
    if (!documented) return [...problems, `status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`];
    const media = Object.keys(documented.content ?? {});
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (media.length === 0) {
      if (type && status !== 302) problems.push(`status ${status} is documented without a body, but the answer has ${type}`);
      return problems;
    }
    if (!media.some((m) => mediaMatches(m, type))) return [...problems, `media type ${type || '(none)'} is not documented for ${status} (documented: ${media.join(', ')})`];
    if (type !== 'application/json') return problems;
    const errors = this.validator(op).validateResponse(status, body);
    if (errors) problems.push(`body does not match the ${status} schema: ${JSON.stringify(errors.errors.slice(0, 5))}`);
    return problems;
  }

  private validator(op: Operation): Validator {
    let v = this.validators.get(op.key);
    if (!v) {
      // Only JSON answers are validated against a schema; the others are checked by media type above.
      const responses = Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [status, { description: status, ...(r.content?.['application/json'] ? { content: { 'application/json': r.content['application/json'] } } : {}) }]),
      );
      // Only the schemas these answers reach: Ajv compiles whatever it is given, and all of them cost ~0.5 s per operation.
      const components = { schemas: reachable(responses, this.doc.components.schemas) };
      v = new OpenAPIResponseValidator({ responses, components });
      this.validators.set(op.key, v);
    }
    return v;
  }
}

/** The component schemas `root` refers to, directly or through each other. */
function reachable(root: unknown, all: Record<string, Schema>): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const m = k === '$ref' && typeof v === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(v) : null;
      if (m && !(m[1]! in out) && all[m[1]!]) {
        out[m[1]!] = all[m[1]!]!;
        visit(all[m[1]!]);
      } else visit(v);
    }
  };
  visit(root);
  return out;
}

function mediaMatches(documented: string, actual: string): boolean {
  if (documented === actual) return true;
  if (documented.endsWith('/*')) return actual.startsWith(documented.slice(0, -1));
  // XML is served as text/xml (Open311, per its spec) or application/xml (WeChat replies): the same format.
  return documented.endsWith('xml') && actual.endsWith('xml');
}
