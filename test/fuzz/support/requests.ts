import { createGeneratorSync } from 'json-schema-faker';
import type { Operation, Schema } from './document.js';

/** One request to send: built valid from the document, then possibly mutated. */
export interface FuzzRequest {
  op: Operation;
  /** Path with its parameters filled in (already URL-encoded). */
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; contentType: string; data: string }
    | { kind: 'multipart'; fields: Record<string, string>; files: { field: string; data: Buffer; contentType: string }[] };
  mutation: string;
}

/** A small seeded PRNG (mulberry32): the same seed sends the same requests. */
export class Rng {
  private s: number;
  constructor(readonly seed: number) {
    this.s = seed;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

export interface Pools {
  /** Real values for path parameters by name (case ids, staff ids, …); a generated value otherwise. */
  path: Record<string, string[]>;
  /** Whole valid URLs for operations whose arguments are signed (photo URLs). */
  urls: Record<string, string[]>;
  photo: Buffer;
}

/** One generator per seed: json-schema-faker's per-call setup costs far more than a value. */
const generators = new Map<number, { generate(schema: unknown): unknown }>();
function fake(schema: Schema, rng: Rng): unknown {
  const seed = rng.seed;
  let g = generators.get(seed);
  if (!g) {
    g = createGeneratorSync({ seed, optionalsProbability: 0.5, maxLength: 60, fillProperties: false, refDepthMax: 3 });
    generators.set(seed, g);
  }
  return g.generate(clamped(schema) as never);
}

const clampCache = new WeakMap<object, unknown>();
/** The schema with lengths and counts capped: a valid 15 MB base64 photo says nothing a 200-character one does not, and takes minutes to fake. */
function clamped(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clamped);
  if (!node || typeof node !== 'object') return node;
  const hit = clampCache.get(node);
  if (hit) return hit;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'maxLength' && typeof v === 'number') out[k] = Math.min(v, 200);
    else if (k === 'maxItems' && typeof v === 'number') out[k] = Math.min(v, 3);
    else out[k] = clamped(v);
  }
  clampCache.set(node, out);
  return out;
}

const asQueryValue = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(asQueryValue).join(',') : JSON.stringify(v));

/** A request the document says is valid (values from the schemas; path parameters from the pools when known). */
export function validRequest(op: Operation, pools: Pools, rng: Rng): FuzzRequest {
  const signed = pools.urls[op.key];
  let url: string;
  const query: Record<string, string> = {};
  if (signed?.length) {
    const u = new URL(rng.pick(signed), 'http://x');
    url = u.pathname;
    for (const [k, v] of u.searchParams) query[k] = v;
  } else {
    url = op.path.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => {
      const pool = pools.path[name];
      return encodeURIComponent(pool?.length && rng.next() < 0.85 ? rng.pick(pool) : String(fake({ type: 'string', minLength: 1, maxLength: 12 }, rng)));
    });
  }
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    if (!p.required && rng.next() < 0.5) continue;
    const v = fake(p.schema, rng);
    if (v !== undefined && v !== null) query[p.name] = asQueryValue(v);
  }
  return { op, url, query, headers: {}, body: validBody(op, pools, rng), mutation: 'valid' };
}

function validBody(op: Operation, pools: Pools, rng: Rng): FuzzRequest['body'] {
  if (!op.body) return { kind: 'none' };
  const { mediaType, schema } = op.body;
  if (mediaType === 'application/json') return { kind: 'json', value: fake(schema, rng) };
  if (mediaType === 'multipart/form-data') {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const required = (schema.required ?? []) as string[];
    const fields: Record<string, string> = {};
    const files: { field: string; data: Buffer; contentType: string }[] = [];
    for (const [name, s] of Object.entries(props)) {
      if (s.type === 'array' && (s.items as Schema | undefined)?.contentMediaType) {
        const n = Math.max(Number(s.minItems ?? 0), Math.min(Number(s.maxItems ?? 1), 1 + rng.int(2)));
        for (let i = 0; i < n; i++) files.push({ field: name, data: pools.photo, contentType: 'image/jpeg' });
        continue;
      }
      if (!required.includes(name) && rng.next() < 0.5) continue;
      const v = fake(s, rng);
      if (v !== undefined && v !== null) fields[name] = asQueryValue(v);
    }
    return { kind: 'multipart', fields, files };
  }
  return { kind: 'raw', contentType: mediaType, data: String(fake(schema, rng)) };
}

type Mutator = (r: FuzzRequest, rng: Rng) => FuzzRequest | null;

/** Where a mutation can reach a named value: the JSON body's top level, the multipart fields, the query. */
function bag(r: FuzzRequest): Record<string, unknown> | null {
  if (r.body.kind === 'json' && r.body.value && typeof r.body.value === 'object' && !Array.isArray(r.body.value)) return r.body.value as Record<string, unknown>;
  if (r.body.kind === 'multipart') return r.body.fields;
  return Object.keys(r.query).length ? r.query : null;
}

const clone = (r: FuzzRequest): FuzzRequest => ({
  ...r,
  query: { ...r.query },
  headers: { ...r.headers },
  body: r.body.kind === 'json' ? { kind: 'json', value: structuredClone(r.body.value) } : r.body.kind === 'multipart' ? { ...r.body, fields: { ...r.body.fields }, files: [...r.body.files] } : r.body,
});

function withField(name: string, change: (bag: Record<string, unknown>, key: string, rng: Rng, r: FuzzRequest) => boolean, needsKey = true): Mutator {
  return (r0, rng) => {
    const r = clone(r0);
    const b = bag(r);
    if (!b) return null;
    const keys = Object.keys(b);
    if (needsKey && keys.length === 0) return null;
    return change(b, keys.length ? rng.pick(keys) : '', rng, r) ? { ...r, mutation: name } : null;
  };
}

/** A value of another type than the one the schema declares for `key` (JSON keeps real types; query and form fields are text). */
function wrongTypeFor(r: FuzzRequest, key: string, current: unknown): unknown {
  const fromBody = ((r.op.body?.schema.properties ?? {}) as Record<string, Schema>)[key];
  const fromQuery = r.op.parameters.find((p) => p.in === 'query' && p.name === key)?.schema;
  const declared = JSON.stringify((fromBody ?? fromQuery ?? {}).type ?? (fromBody ?? fromQuery ?? {}).anyOf ?? '');
  const text = r.body.kind !== 'json' || bag(r) === r.query;
  if (/integer|number/.test(declared)) return 'not-a-number';
  if (/boolean/.test(declared)) return 'maybe';
  if (/array/.test(declared)) return text ? '' : { not: 'an array' };
  if (/object/.test(declared)) return text ? '{' : ['not', 'an', 'object'];
  if (typeof current === 'string') return text ? '' : 12345;
  return text ? 'x' : null;
}

/** The mutations every operation gets: each should be refused with a documented 4xx and write nothing. */
export const MUTATIONS: Record<string, Mutator> = {
  'wrong type': (r0, rng) => {
    const r1 = clone(r0);
    const b = bag(r1);
    const keys = b ? Object.keys(b) : [];
    if (!b || keys.length === 0) return null;
    const k = rng.pick(keys);
    b[k] = wrongTypeFor(r1, k, b[k]);
    return { ...r1, mutation: 'wrong type' };
  },
  'missing required field': (r0, rng) => {
    const r1 = clone(r0);
    const schema = r1.op.body?.schema;
    const required = ((schema?.required ?? []) as string[]).filter((k) => k !== 'photos');
    const b = bag(r1);
    if (!b || required.length === 0) return null;
    delete b[rng.pick(required)];
    return { ...r1, mutation: 'missing required field' };
  },
  'extra field': withField('extra field', (b) => {
    b.__fuzzExtra = 'extra';
    return true;
  }, false),
  'huge string': withField('huge string', (b, k, _rng, r) => {
    // Past the JSON and form limits in a body; within Node's 16 KiB header limit in a query (beyond it Node itself answers 431).
    b[k] = 'x'.repeat(b === r.query ? 8_000 : 100_000);
    return true;
  }),
  'control characters': withField('control characters', (b, k, rng) => {
    b[k] = `${typeof b[k] === 'string' ? (b[k] as string) : 'a'}${rng.pick(['\u0000', '\u0007', '\u001b[2J', '\u200b\u200b'])}`;
    return true;
  }),
  'bad path parameter': (r0, rng) => {
    if (!/\{[A-Za-z]+\}/.test(r0.op.path)) return null;
    const bad = rng.pick(['%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3000), '-1', '%E2%80%8B', '1e309', '%F0%9F%92%A9', '%25', "'%20or%201=1--"]);
    const url = r0.op.path.replace(/\{([A-Za-z]+)\}/g, () => bad);
    return { ...clone(r0), url, mutation: 'bad path parameter' };
  },
  'unknown query parameter': (r0) => ({ ...clone(r0), query: { ...r0.query, __fuzz: '1' }, mutation: 'unknown query parameter' }),
  'wrong content type': (r0) => (r0.body.kind === 'none' ? null : { ...clone(r0), body: { kind: 'raw', contentType: 'text/plain', data: 'hello' }, mutation: 'wrong content type' }),
  'malformed JSON': (r0) => (r0.body.kind === 'none' ? null : { ...clone(r0), body: { kind: 'raw', contentType: 'application/json', data: '{"a": [1, 2,' }, mutation: 'malformed JSON' }),
  'JSON that is not an object': (r0, rng) => (r0.body.kind !== 'json' ? null : { ...clone(r0), body: { kind: 'json', value: rng.pick([null, 7, 'text', [], [{}], true]) }, mutation: 'JSON that is not an object' }),
};
