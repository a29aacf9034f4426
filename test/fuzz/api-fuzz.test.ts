// API fuzzing from the OpenAPI document (issue 14, item 3): for every documented operation and role, a valid
// request built from the document's schemas (json-schema-faker), then mutated ones; every answer is checked
// against the document (openapi-response-validator): no 5xx, a documented status and media type, a body that
// matches its schema, and nothing written on a 4xx. FUZZ_PROFILE=full (npm run fuzz) sends every role and
// more passes; FUZZ_SEED replays a run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { ROLES, type CaseDto, type Role } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { as, pick, reportOk } from '../support/flows.js';
import { smallJpeg } from '../support/fixtures.js';
import { operations, ResponseChecker, type ApiDocument, type Operation } from './support/document.js';
import { changed, fingerprinter, type Fingerprinter } from './support/footprint.js';
import { fuzzProfile } from './support/profile.js';
import { MUTATIONS, Rng, validRequest, type FuzzRequest, type Pools } from './support/requests.js';

const profile = fuzzProfile();
let h: Harness;
let doc: ApiDocument;
let ops: Operation[];
let fp: Fingerprinter;
/** One checker for the run: its validators are compiled once per operation. */
let checker: ResponseChecker;
const tokens = new Map<Role, string>();
let pools: Pools;

async function loginAll(): Promise<void> {
  const city = h.deps.org.all().find((n) => n.level === 'city')!.code;
  for (const role of ROLES) {
    const account = pick(h, role, (a) => role !== 'admin' || a.orgNodeCode === city);
    tokens.set(role, (await as(h, account)).token);
  }
}

async function rows(text: string): Promise<Record<string, unknown>[]> {
  return ((await h.database.db.execute(sql.raw(text))) as unknown as { rows: Record<string, unknown>[] }).rows;
}

beforeAll(async () => {
  // Limits that would turn most of the run into 429s: the throttles have their own tests.
  h = await startHarness({ env: { LOGIN_FAILURES_PER_ADDRESS: '100000', LOGIN_FAILURES_PER_CODE: '100000', SANDBOX_NEW_IDENTITIES_PER_HOUR: '100000', PUBLIC_REQUESTS_PER_MINUTE: '100000' } });
  doc = (await h.request.get('/api/v1/openapi.json')).body as ApiDocument;
  ops = operations(doc);
  checker = new ResponseChecker(doc);
  await loginAll();
  const resident = await as(h, pick(h, 'resident'));
  const inspector = pick(h, 'inspector');
  const cases: CaseDto[] = [];
  for (let i = 0; i < 3; i++) cases.push(await reportOk(h, resident, { lat: inspector.lat!, lng: inspector.lng!, description: `路边有暴露垃圾 ${i}` }));
  const sessionIds = new Set((await rows(`select id from users where openid is not null`)).map((r) => String(r.id)));
  const staff = (await rows(`select id from users where status = 'active' and not ('resident' = any(roles)) limit 40`)).map((r) => String(r.id)).filter((id) => !sessionIds.has(id));
  const companies = (await rows(`select id from companies limit 5`)).map((r) => String(r.id));
  const photoUrls = cases.flatMap((c) => (c.photos ?? []).map((p) => p.url));
  pools = {
    path: {
      id: cases.map((c) => c.id),
      photoId: cases.flatMap((c) => (c.photos ?? []).map((p) => p.id)),
      channelId: ['12345', '12319', 'minyi', 'minxin'],
      kind: ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'],
      year: ['2026', '2027'],
      code: ['06010', '01010'],
      serviceCode: ['06010'],
      serviceRequestId: cases.map((c) => c.caseNo),
      z: ['12'], x: ['3440'], y: ['1560'],
    },
    urls: {
      'GET /api/v1/photos/{id}': photoUrls,
      'GET /api/v1/photos/{id}/thumb': cases.flatMap((c) => (c.photos ?? []).map((p) => p.thumbUrl)),
    },
    photo: await smallJpeg(),
  };
  staffPool = staff;
  companyPool = companies;
  fp = await fingerprinter(h.database);
});
afterAll(async () => {
  await h?.close();
});

let staffPool: string[] = [];
let companyPool: string[] = [];

/** `id` means a different thing under each prefix. */
function poolsFor(op: Operation): Pools {
  if (/^\/api\/v1\/admin\/staff\//.test(op.path)) return { ...pools, path: { ...pools.path, id: staffPool } };
  if (/companies\/\{id\}/.test(op.path)) return { ...pools, path: { ...pools.path, id: companyPool } };
  return pools;
}

async function send(r: FuzzRequest, token: string | null) {
  let req = h.request[r.op.method](r.url).query(r.query).set('X-Request-Id', `fuzz-${r.mutation}`.replace(/\s/g, '-')).ok(() => true);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  for (const [k, v] of Object.entries(r.headers)) req = req.set(k, v);
  if (r.body.kind === 'json') return req.set('Content-Type', 'application/json').send(JSON.stringify(r.body.value) ?? 'null');
  if (r.body.kind === 'raw') return req.set('Content-Type', r.body.contentType).send(r.body.data);
  if (r.body.kind === 'multipart') {
    for (const [k, v] of Object.entries(r.body.fields)) req = req.field(k, v);
    r.body.files.forEach((f, i) => {
      req = req.attach(f.field, f.data, { filename: `p${i}.jpg`, contentType: f.contentType });
    });
  }
  return req;
}

/** After a logout or an account deletion, that role signs in again so the run goes on as it. */
const ENDS_SESSION = /\/auth\/logout$|\/me\/delete$|\/me$/;

const timing = { send: 0, footprint: 0, check: 0, generate: 0 };
const statuses = new Map<number, number>();

interface Finding {
  key: string;
  line: string;
}

async function fuzz(): Promise<{ sent: number; findings: Finding[] }> {
  const rng = new Rng(profile.seed);
  const findings: Finding[] = [];
  let sent = 0;
  let before = await fp.take();
  const run = async (r: FuzzRequest, role: Role | null) => {
    const t0 = Date.now();
    const res = await send(r, role ? tokens.get(role)! : null);
    sent++;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const t1 = Date.now();
    const after = await fp.take();
    timing.send += t1 - t0;
    timing.footprint += Date.now() - t1;
    const t2 = Date.now();
    const problems = checker.check(r.op, res.status, res.headers['content-type'], res.body);
    timing.check += Date.now() - t2;
    if (res.status >= 400 && res.status < 500) {
      const moved = changed(before, after);
      if (moved.length) problems.push(`a ${res.status} wrote to ${moved.join(', ')}`);
    }
    for (const p of problems) {
      findings.push({
        key: `${r.op.key} | ${r.mutation} | ${p.replace(/\d{3}/, 'NNN').slice(0, 80)}`,
        line: `${r.op.key} as ${role ?? 'anonymous'} (${r.mutation}): ${p} — ${r.op.method.toUpperCase()} ${r.url.slice(0, 120)} ${JSON.stringify(r.query).slice(0, 200)} ${r.body.kind === 'none' ? '' : JSON.stringify(r.body.kind === 'multipart' ? r.body.fields : r.body.kind === 'json' ? r.body.value : r.body.data).slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
      });
    }
    if (role && ENDS_SESSION.test(r.op.path) && r.op.method === 'post' && res.status < 300) await loginAll();
    before = await fp.take();
    return res.status;
  };
  const roles: Role[] = [...ROLES];
  for (let pass = 0; pass < profile.apiPasses; pass++) {
    for (const op of ops) {
      const senders: (Role | null)[] = op.auth ? rotate(roles, pass + ops.indexOf(op), profile.rolesPerOperation) : [null];
      if (op.auth) senders.push(null);
      for (const role of senders) await run(generate(() => validRequest(op, poolsFor(op), rng)), role);
      for (const [name, mutate] of Object.entries(MUTATIONS)) {
        const role = op.auth ? rng.pick(roles) : null;
        const mutated = generate(() => mutate(validRequest(op, poolsFor(op), rng), rng));
        if (mutated) await run({ ...mutated, mutation: name }, role);
      }
    }
  }
  return { sent, findings };
}

function generate<T>(make: () => T): T {
  const t = Date.now();
  const out = make();
  timing.generate += Date.now() - t;
  return out;
}

function rotate<T>(xs: T[], start: number, n: number): T[] {
  if (n >= xs.length) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[(start * n + i) % xs.length]!);
}

describe(`API fuzzing from the OpenAPI document (${profile.name} profile, seed ${profile.seed})`, () => {
  it('documents a body schema or a media type for every answer that has a body', () => {
    const bare: string[] = [];
    for (const op of ops) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (!['204', '302', '304'].includes(status) && !Object.keys(r.content ?? {}).length) bare.push(`${op.key} ${status}`);
      }
    }
    expect(bare).toEqual([]);
    expect(ops.length).toBeGreaterThan(90);
  });

  it('has a checker that bites: a wrong body, an undocumented status or media type are findings', async () => {
    const me = ops.find((o) => o.key === 'GET /api/v1/me')!;
    const res = await h.request.get('/api/v1/me').set('Authorization', `Bearer ${tokens.get('street')}`);
    expect(checker.check(me, res.status, res.headers['content-type'], res.body)).toEqual([]);
    expect(checker.check(me, 200, 'application/json', { user: { ...res.body.user, extra: 1 } })).toHaveLength(1);
    expect(checker.check(me, 200, 'application/json', { user: { ...res.body.user, roles: 'street' } })).toHaveLength(1);
    expect(checker.check(me, 418, 'application/json', {})[0]).toMatch(/not documented/);
    expect(checker.check(me, 200, 'text/html', '<p>')[0]).toMatch(/media type/);
    expect(checker.check(me, 500, 'application/json', { error: { code: 'internal', message: 'x' } })[0]).toBe('a 500');
  });

  it('answers every valid and mutated request of every role as documented, and writes nothing on a 4xx', async () => {
    const started = Date.now();
    const { sent, findings } = await fuzz();
    const unique = new Map<string, string>();
    for (const f of findings) if (!unique.has(f.key)) unique.set(f.key, f.line);
    console.log(`API fuzzing (${profile.name}, seed ${profile.seed}): ${sent} requests over ${ops.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s (ms: sending ${timing.send}, fingerprints ${timing.footprint}, checking ${timing.check}, generating ${timing.generate}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; ${findings.length} findings`);
    expect([...unique.values()].slice(0, 40)).toEqual([]);
    expect(sent).toBeGreaterThan(ops.length * 5);
  }, 30 * 60_000);
});
