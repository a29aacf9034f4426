// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/) under /open311/v2/: discovery, services,
// service definitions, GET/POST requests, tokens, in JSON and XML; the spec's error arrays; API keys issued,
// rate-limited and revoked by the city admin; and what is public (no reporter, only published photos).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { XMLParser } from 'fast-xml-parser';
import type { SandboxAccount } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, admins, as, auth, pick, reportOk, type Session } from '../support/flows.js';

let h: Harness;
let cityAdmin: Session;
let districtAdmin: Session;
let resident: Session;
let dispatcher: Session;
let grid: SandboxAccount;
let key: string;

const V2 = '/open311/v2';
const xml = new XMLParser({ isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format'].includes(name), parseTagValue: false });
/** The fields GET Service Requests answers (spec, Response): nothing else may leave the city. */
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
].sort();

beforeAll(async () => {
  h = await startHarness();
  ({ cityAdmin, districtAdmin } = await admins(h));
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  key = await issueKey('FixMyStreet 测试客户端');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function issueKey(name: string): Promise<string> {
  const res = await h.request.post('/api/v1/admin/open311-keys').set(auth(cityAdmin)).send({ name });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

function postRequest(format: 'json' | 'xml', fields: Record<string, string>) {
  return h.request.post(`${V2}/requests.${format}`).type('form').send(fields);
}

const here = () => ({ lat: String(grid.lat), long: String(grid.lng) });

async function created(fields: Record<string, string> = {}): Promise<string> {
  const res = await postRequest('json', { api_key: key, service_code: '06010', ...here(), description: '路口有暴露垃圾', ...fields });
  expect(res.status).toBe(201);
  return res.body[0].service_request_id as string;
}

async function one(id: string): Promise<Record<string, unknown>> {
  const res = await h.request.get(`${V2}/requests/${id}.json`);
  expect(res.status).toBe(200);
  return res.body[0] as Record<string, unknown>;
}

describe('Open311 discovery and services', () => {
  it('describes the endpoint in JSON and XML, as the Service Discovery spec lays it out', async () => {
    const json = await h.request.get(`${V2}/discovery.json`);
    expect(json.status).toBe(200);
    expect(json.type).toBe('application/json');
    expect(json.body).toMatchObject({ changeset: expect.stringMatching(/\+08:00$/), contact: expect.any(String), key_service: expect.any(String) });
    expect(json.body.endpoints).toEqual([expect.objectContaining({
      specification: 'http://wiki.open311.org/GeoReport_v2', url: expect.stringMatching(/\/open311\/v2$/), formats: ['text/xml', 'application/json'],
    })]);
    const x = await h.request.get(`${V2}/discovery.xml`);
    expect([x.status, x.type]).toEqual([200, 'text/xml']);
    expect(x.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const doc = xml.parse(x.text).discovery;
    expect(doc.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    expect(doc.changeset).toBe(json.body.changeset);
  });

  it('lists the enabled GB/T categories as realtime services grouped by big class, and defines each with no attributes', async () => {
    const enabled = h.deps.categories.list().filter((c) => c.enabled);
    const json = await h.request.get(`${V2}/services.json`);
    expect(json.status).toBe(200);
    expect(json.body).toHaveLength(enabled.length);
    const c = enabled.find((x) => x.code === '06010')!;
    expect(json.body.find((s: { service_code: string }) => s.service_code === '06010')).toEqual({
      service_code: '06010', service_name: c.name, description: c.hint ?? null, metadata: false, type: 'realtime', keywords: c.keywords.join(','), group: c.bigClassName,
    });
    const services = xml.parse((await h.request.get(`${V2}/services.xml`)).text).services.service as Record<string, string>[];
    expect(services).toHaveLength(enabled.length);
    expect(services.find((s) => s.service_code === '06010')).toMatchObject({ service_name: c.name, metadata: 'false', type: 'realtime', group: c.bigClassName });

    expect((await h.request.get(`${V2}/services/06010.json`)).body).toEqual({ service_code: '06010', attributes: [] });
    expect(xml.parse((await h.request.get(`${V2}/services/06010.xml`)).text).service_definition).toEqual({ service_code: '06010', attributes: '' });
    const missing = await h.request.get(`${V2}/services/99999.json`);
    expect([missing.status, missing.body]).toEqual([404, [{ code: 404, description: expect.stringContaining('不存在') }]]);
    const missingXml = await h.request.get(`${V2}/services/99999.xml`);
    expect(missingXml.status).toBe(404);
    expect(xml.parse(missingXml.text).errors.error).toEqual([{ code: '404', description: expect.stringContaining('不存在') }]);
  });
});

describe('Open311 service requests', () => {
  it('takes a form-encoded POST with an api_key, answers the case number (JSON and XML), and keeps the submitter off every answer', async () => {
    const res = await postRequest('json', {
      api_key: key, jurisdiction_id: 'dalian.gov.cn', service_code: '06010', ...here(), description: '人行道上堆放建筑垃圾，联系电话 13812345678',
      first_name: '小明', last_name: '王', phone: '13900001111', email: 'wang@example.com', device_id: 'dev-1', 'attribute[X]': '1',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual([{ service_request_id: expect.stringMatching(/^DL\d{8}-\d{6}$/), service_notice: expect.stringContaining('已收到'), account_id: null }]);
    const id = res.body[0].service_request_id as string;

    const seen = await one(id);
    expect(Object.keys(seen).sort()).toEqual(REQUEST_FIELDS);
    expect(seen).toMatchObject({ service_request_id: id, status: 'open', service_code: '06010', lat: grid.lat, long: grid.lng, media_url: null });
    expect(seen.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    // A phone number typed into the description is masked; the submitter's own details appear nowhere.
    expect(seen.description).toBe('人行道上堆放建筑垃圾，联系电话 138****5678');
    const text = JSON.stringify(seen);
    for (const secret of ['小明', '13900001111', 'wang@example.com', 'dev-1']) expect(text).not.toContain(secret);
    // The caller is kept with the Open311 ticket (for staff), never on the case.
    const rows = await h.database.db.execute(sql`select t.caller_name as name, t.caller_phone as phone, c.source, c.reporter_id as reporter
      from channel_tickets t join cases c on c.id = t.case_id where c.case_no = ${id}`);
    expect((rows as unknown as { rows: unknown[] }).rows).toEqual([{ name: '王小明', phone: '13900001111', source: 'open311', reporter: null }]);

    // The token (X-Open311-Token) maps to the same service_request_id.
    const token = res.headers['x-open311-token'] as string;
    expect((await h.request.get(`${V2}/tokens/${token}.json`)).body).toEqual([{ service_request_id: id, token }]);
    expect(xml.parse((await h.request.get(`${V2}/tokens/${token}.xml`)).text).service_requests.request).toEqual([{ service_request_id: id, token }]);

    const x = await postRequest('xml', { api_key: key, service_code: '06010', address_string: '中山区人民路 23 号' });
    expect([x.status, x.type]).toEqual([201, 'text/xml']);
    const made = xml.parse(x.text).service_requests.request[0];
    expect(made.service_request_id).toMatch(/^DL\d{8}-\d{6}$/);
    // No description: the case reads as the service's name.
    expect((await one(made.service_request_id)).description).toBe(h.deps.categories.get('06010')!.name);
  });

  it('takes a JSON POST too, and reads requests by id list, service_code, status and window, newest first', async () => {
    const res = await h.request.post(`${V2}/requests.json`).send({ api_key: key, service_code: '06010', lat: grid.lat, long: grid.lng, description: 'JSON 上报' });
    expect(res.status).toBe(201);
    const a = res.body[0].service_request_id as string;
    const b = await created({ description: '第二件' });

    const byIds = await h.request.get(`${V2}/requests.json?service_request_id=${a},${b},DL19990101-000001`);
    expect(byIds.body.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([a, b].sort());
    const all = (await h.request.get(`${V2}/requests.json?service_code=06010&status=open`)).body as { service_request_id: string; requested_datetime: string }[];
    expect(all.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([a, b]));
    expect([...all].sort((x, y) => y.requested_datetime.localeCompare(x.requested_datetime) || y.service_request_id.localeCompare(x.service_request_id))).toEqual(all);
    expect((await h.request.get(`${V2}/requests.json?status=closed`)).body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(a);
    expect((await h.request.get(`${V2}/requests.json?service_code=01001`)).body).toEqual([]);
    // A window before any of these cases finds none of them; the same in XML.
    const old = await h.request.get(`${V2}/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-03-01T00:00:00%2B08:00`);
    expect([old.status, xml.parse(old.text).service_requests]).toEqual([200, '']);
    const inXml = xml.parse((await h.request.get(`${V2}/requests/${a}.xml`)).text).service_requests.request as Record<string, string>[];
    expect(inXml).toEqual([expect.objectContaining({ service_request_id: a, status: 'open', lat: String(grid.lat), long: String(grid.lng), status_notes: '' })]);
  });

  it('shows the holder, the latest public staff reply, closed cases and only published photos; an anonymous report only to its street', async () => {
    const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng!, anonymous: true, description: '匿名：楼下有垃圾' });
    let seen = await one(c.caseNo);
    expect(seen).toMatchObject({ status: 'open', media_url: null, agency_responsible: null, lat: Math.round(grid.lat! * 100) / 100, long: Math.round(grid.lng! * 100) / 100 });
    let street = h.deps.org.get(grid.orgNodeCode!);
    while (street && street.level !== 'street') street = street.parentCode ? h.deps.org.get(street.parentCode) : undefined;
    expect(seen.address).toContain(street!.name);
    expect(JSON.stringify(seen)).not.toContain(resident.account.name);

    await actOk(h, dispatcher, c.id, 'register');
    await actOk(h, dispatcher, c.id, 'dispatch', {});
    await h.request.post(`/api/v1/cases/${c.id}/comments`).set(auth(dispatcher)).send({ body: '内部：需要破路' });
    await h.request.post(`/api/v1/cases/${c.id}/comments`).set(auth(dispatcher)).send({ body: '已派网格员处置', public: true });
    seen = await one(c.caseNo);
    expect(seen).toMatchObject({ status: 'open', status_notes: '已派网格员处置', agency_responsible: h.deps.org.get(grid.orgNodeCode!)!.name });
    expect(seen.expected_datetime).toMatch(/\+08:00$/);

    // Staff publish the photo (case_photos.published_at): only then has the request a media_url, and it serves the image.
    await h.database.db.execute(sql`update case_photos set published_at = now() where case_id = ${c.id}::uuid`);
    const url = (await one(c.caseNo)).media_url as string;
    expect(url).toMatch(/^https?:\/\/.+\/api\/v1\/photos\/[0-9a-f-]{36}\?exp=\d+&sig=/);
    const img = await h.request.get(new URL(url).pathname + new URL(url).search);
    expect([img.status, img.type]).toEqual([200, 'image/jpeg']);

    const other = await created({ description: '将被退回' });
    const otherCase = (await h.request.get(`/api/v1/cases?q=${other}`).set(auth(dispatcher))).body.items[0] as { id: string };
    await actOk(h, dispatcher, otherCase.id, 'reject', { note: '不属于城市管理范围' });
    expect(await one(other)).toMatchObject({ status: 'closed', expected_datetime: null });
    expect((await h.request.get(`${V2}/requests.json?status=closed`)).body.map((r: { service_request_id: string }) => r.service_request_id)).toContain(other);
  });
});

describe('Open311 errors, keys and limits', () => {
  it('answers bad requests with the spec error array (JSON) and <errors> (XML), with the right HTTP status', async () => {
    const cases = async () => Number(((await h.database.db.execute(sql`select count(*)::int as n from cases`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
    const before = await cases();
    const expectError = async (res: { status: number; body: unknown }, status: number, text: RegExp) => {
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expect.arrayContaining([{ code: status, description: expect.stringMatching(text) }]));
    };
    await expectError(await postRequest('json', { api_key: key, ...here() }), 400, /service_code/);
    await expectError(await postRequest('json', { service_code: '06010', ...here() }), 403, /api_key/);
    await expectError(await postRequest('json', { api_key: 'fc311_not-a-key', service_code: '06010', ...here() }), 403, /api_key 无效/);
    await expectError(await postRequest('json', { api_key: key, service_code: '99999', ...here() }), 404, /服务类型/);
    await expectError(await postRequest('json', { api_key: key, service_code: '06010' }), 400, /lat 和 long/);
    await expectError(await postRequest('json', { api_key: key, service_code: '06010', lat: '39.9', long: '116.4' }), 400, /服务范围/);
    await expectError(await postRequest('json', { api_key: key, service_code: '06010', lat: 'north', long: '121.6' }), 400, /lat/);
    await expectError(await postRequest('json', { api_key: key, service_code: '06010', ...here(), media_url: 'http://127.0.0.1:1/a.jpg' }), 400, /media_url/);
    await expectError(await h.request.post(`${V2}/requests.json`).set('Content-Type', 'text/plain').send('api_key=x'), 400, /请求体/);
    await expectError(await h.request.get(`${V2}/requests/DL19990101-000001.json`), 404, /不存在/);
    await expectError(await h.request.get(`${V2}/tokens/${'0'.repeat(32)}.json`), 404, /不存在/);
    await expectError(await h.request.get(`${V2}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`), 400, /90 天/);
    await expectError(await h.request.get(`${V2}/requests.json?start_date=yesterday`), 400, /start_date/);
    await expectError(await h.request.get(`${V2}/requests.json?status=pending`), 400, /status/);
    await expectError(await h.request.get(`${V2}/nothing.json`), 404, /不存在/);

    const x = await h.request.post(`${V2}/requests.xml`).type('form').send({ api_key: key, ...here() });
    expect([x.status, x.type]).toEqual([400, 'text/xml']);
    expect(xml.parse(x.text).errors.error).toEqual([{ code: '400', description: expect.stringContaining('service_code') }]);
    const forbidden = await h.request.post(`${V2}/requests.xml`).type('form').send({ service_code: '06010', ...here() });
    expect(forbidden.status).toBe(403);
    expect(xml.parse(forbidden.text).errors.error[0].code).toBe('403');
    expect(await cases()).toBe(before);
  });

  it('issues keys to city admins only, shows them once, lists prefixes, and a revoked key answers 403 while others work', async () => {
    const refused = await h.request.post('/api/v1/admin/open311-keys').set(auth(districtAdmin)).send({ name: '区里的客户端' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'auth.forbidden']);
    expect((await h.request.post('/api/v1/admin/open311-keys').set(auth(cityAdmin)).send({ name: '' })).status).toBe(400);

    const res = await h.request.post('/api/v1/admin/open311-keys').set(auth(cityAdmin)).send({ name: '开放数据客户端' });
    expect(res.status).toBe(201);
    const issued = res.body as { id: string; key: string; keyPrefix: string };
    expect(issued.key.startsWith(issued.keyPrefix)).toBe(true);
    const list = await h.request.get('/api/v1/admin/open311-keys').set(auth(cityAdmin));
    const row = list.body.items.find((k: { id: string }) => k.id === issued.id);
    expect(row).toMatchObject({ name: '开放数据客户端', keyPrefix: issued.keyPrefix, revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(issued.key);
    const stored = await h.database.db.execute(sql`select key_hash from open311_keys where id = ${issued.id}::uuid`);
    expect(JSON.stringify((stored as unknown as { rows: unknown[] }).rows)).not.toContain(issued.key);

    expect((await created({ api_key: issued.key })).length).toBeGreaterThan(0);
    const revoked = await h.request.post(`/api/v1/admin/open311-keys/${issued.id}/revoke`).set(auth(cityAdmin));
    expect([revoked.status, typeof revoked.body.revokedAt]).toEqual([200, 'string']);
    const after = await postRequest('json', { api_key: issued.key, service_code: '06010', ...here() });
    expect([after.status, after.body]).toEqual([403, [{ code: 403, description: 'api_key 已被吊销' }]]);
    expect((await h.request.get(`${V2}/services.json?api_key=${issued.key}`)).status).toBe(403);
    expect((await postRequest('json', { api_key: key, service_code: '06010', ...here() })).status).toBe(201);
    expect((await h.request.post(`/api/v1/admin/open311-keys/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}/revoke`).set(auth(cityAdmin))).status).toBe(404);
    const audit = await h.database.db.execute(sql`select action from audit_log where entity_id = ${issued.id} order by id`);
    expect((audit as unknown as { rows: { action: string }[] }).rows.map((r) => r.action)).toEqual(['open311_key.issue', 'open311_key.revoke']);
  });

  it('limits each key to its requests per minute (429 in the spec format); another key is unaffected', async () => {
    const busy = await issueKey('频繁客户端');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const batch = await Promise.all(Array.from({ length: 11 }, () => h.request.get(`${V2}/discovery.json?api_key=${busy}`)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(120);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12);
    const limited = await h.request.get(`${V2}/discovery.xml?api_key=${busy}`);
    expect([limited.status, xml.parse(limited.text).errors.error[0].code]).toEqual([429, '429']);
    expect((await h.request.get(`${V2}/discovery.json?api_key=${key}`)).status).toBe(200);
    expect((await h.request.get(`${V2}/discovery.json`)).status).toBe(200);
  });
});
