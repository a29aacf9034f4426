import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SandboxAccount } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { as, auth, footprint, pick, report, reportOk, type Session } from '../support/flows.js';
import { emptyFile, oversizedJpeg, pngPixelBomb, renamedPdf, smallJpeg, truncatedJpeg } from '../support/fixtures.js';

let h: Harness;
let resident: Session;
let dispatcher: Session;
let grid: SandboxAccount;

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector');
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

const at = () => ({ lat: grid.lat!, lng: grid.lng! });

/** Every bad request must answer with its stable code and leave no row and no file behind. */
async function refused(send: () => Promise<{ status: number; body: { error?: { code: string } } }>, status: number, code: string) {
  const before = await footprint(h);
  const res = await send();
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
  expect(await footprint(h)).toEqual(before);
}

describe('bad reports are refused with a stable code and write nothing', () => {
  it('refuses ten photos (413 photo.too_many)', async () => {
    const jpg = await smallJpeg();
    await refused(() => report(h, resident, { ...at(), photos: Array.from({ length: 10 }, () => jpg) }), 413, 'photo.too_many');
  });
  it('refuses a 0-byte file (422 photo.empty)', async () => {
    await refused(() => report(h, resident, { ...at(), photos: [emptyFile()] }), 422, 'photo.empty');
  });
  it('refuses a PDF renamed to .jpg (415 photo.unsupported_type)', async () => {
    await refused(() => report(h, resident, { ...at(), photos: [renamedPdf()] }), 415, 'photo.unsupported_type');
  });
  it('refuses a pixel bomb before decoding it (422 photo.too_many_pixels)', async () => {
    await refused(() => report(h, resident, { ...at(), photos: [pngPixelBomb()] }), 422, 'photo.too_many_pixels');
  });
  it('refuses an oversized file (413 photo.too_large)', async () => {
    await refused(async () => report(h, resident, { ...at(), photos: [await oversizedJpeg()] }), 413, 'photo.too_large');
  });
  it('refuses a truncated JPEG (422 photo.corrupt), even after good photos in the same report', async () => {
    const good = await smallJpeg();
    await refused(async () => report(h, resident, { ...at(), photos: [good, good, await truncatedJpeg()] }), 422, 'photo.corrupt');
  });
  it('refuses a report without photos (422 photo.missing)', async () => {
    await refused(() => report(h, resident, { ...at(), photos: [] }), 422, 'photo.missing');
  });
  it('refuses an unknown category (422 category.unknown)', async () => {
    await refused(() => report(h, resident, { ...at(), categoryCode: '99999' }), 422, 'category.unknown');
  });
  it('refuses out-of-range coordinates (400 request.invalid)', async () => {
    await refused(() => report(h, resident, { lat: 95, lng: 121.6 }), 400, 'request.invalid');
    await refused(() => report(h, resident, { lat: 38.9, lng: 200 }), 400, 'request.invalid');
  });
  it('refuses a point outside Dalian (422 location.outside_service_area)', async () => {
    await refused(() => report(h, resident, { lat: 39.9042, lng: 116.4074 }), 422, 'location.outside_service_area');
  });
  it('refuses non-numeric coordinates and an empty description (400 request.invalid)', async () => {
    const res = await h.request
      .post('/api/v1/reports')
      .set(auth(resident))
      .field('categoryCode', '06010')
      .field('description', '   ')
      .field('lat', 'north')
      .field('lng', '121.6')
      .attach('photos', await smallJpeg(), 'a.jpg');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request.invalid');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['description', 'lat']);
  });
  it('refuses a zero-width-only description and a coordinate with a space, as the OpenAPI pattern does (400 request.invalid)', async () => {
    const res = await h.request
      .post('/api/v1/reports')
      .set(auth(resident))
      .field('categoryCode', '06010')
      .field('description', '\u200b\u200c\u3000')
      .field('lat', ` ${grid.lat}`)
      .field('lng', `${grid.lng}`)
      .attach('photos', await smallJpeg(), 'a.jpg');
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['description', 'lat']);
  });
  it('refuses a JSON body on the multipart route (415)', async () => {
    await refused(() => h.request.post('/api/v1/reports').set(auth(resident)).send({ categoryCode: '06010' }), 415, 'request.unsupported_media_type');
  });
  it('refuses photos under another field name (400 request.invalid)', async () => {
    const jpg = await smallJpeg();
    await refused(
      () => h.request.post('/api/v1/reports').set(auth(resident)).field('categoryCode', '06010').field('description', 'x').field('lat', '38.9').field('lng', '121.6').attach('image', jpg, 'a.jpg'),
      400,
      'request.invalid',
    );
  });
});

describe('idempotent reports', () => {
  it('returns the same case for the same key and body, and 422 for the same key with another body', async () => {
    const photos = [await smallJpeg()];
    const first = await report(h, resident, { ...at(), photos, key: 'weak-network-0001' });
    expect(first.status).toBe(201);
    const before = await footprint(h);
    const again = await report(h, resident, { ...at(), photos, key: 'weak-network-0001' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.case.id).toBe(first.body.case.id);
    expect(await footprint(h)).toEqual(before);
    await refused(() => report(h, resident, { ...at(), photos, key: 'weak-network-0001', description: '另一个问题' }), 422, 'idempotency.key_reused');
  });
  it('creates exactly one case when the same key arrives twice at once', async () => {
    const photos = [await smallJpeg({ color: '#123456' })];
    const before = await footprint(h);
    const [a, b] = await Promise.all([report(h, resident, { ...at(), photos, key: 'race-key-0001' }), report(h, resident, { ...at(), photos, key: 'race-key-0001' })]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.case.id).toBe(b.body.case.id);
    expect((await footprint(h)).cases).toBe(before.cases + 1);
  });
});

describe('bad action bodies', () => {
  it('answers malformed JSON with 400 request.malformed_json and changes nothing', async () => {
    const c = await reportOk(h, resident, at());
    await refused(
      () => h.request.post(`/api/v1/cases/${c.id}/actions/reject`).set(auth(dispatcher)).set('content-type', 'application/json').send('{"note": "x"'),
      400,
      'request.malformed_json',
    );
  });
  it('answers wrong types and unknown fields with 400 request.invalid', async () => {
    const c = await reportOk(h, resident, at());
    await refused(() => h.request.post(`/api/v1/cases/${c.id}/actions/dispatch`).set(auth(dispatcher)).send({ complexity: 'very' }), 400, 'request.invalid');
    await refused(() => h.request.post(`/api/v1/cases/${c.id}/actions/register`).set(auth(dispatcher)).send({ note: 5 }), 400, 'request.invalid');
    await refused(() => h.request.post(`/api/v1/cases/${c.id}/actions/register`).set(auth(dispatcher)).send({ state: 'closed' }), 400, 'request.invalid');
  });
  it('answers an unknown action with 404 and a malformed id with 400', async () => {
    const c = await reportOk(h, resident, at());
    await refused(() => h.request.post(`/api/v1/cases/${c.id}/actions/teleport`).set(auth(dispatcher)).send({}), 404, 'not_found');
    await refused(() => h.request.get('/api/v1/cases/not-a-uuid').set(auth(dispatcher)), 400, 'request.invalid');
  });
  it('refuses a dispatch outside the dispatcher\'s district (422 dispatch.target_invalid)', async () => {
    const c = await reportOk(h, resident, at());
    await h.request.post(`/api/v1/cases/${c.id}/actions/register`).set(auth(dispatcher)).send({});
    const other = h.accounts.find((a) => a.role === 'inspector' && a.orgNodeCode!.slice(0, 6) !== grid.orgNodeCode!.slice(0, 6))!;
    await refused(() => h.request.post(`/api/v1/cases/${c.id}/actions/dispatch`).set(auth(dispatcher)).send({ orgNodeCode: other.orgNodeCode }), 422, 'dispatch.target_invalid');
  });
  it('refuses handle without an after-photo, and keeps no photo when one of them is bad', async () => {
    const c = await reportOk(h, resident, at());
    const inspector = await as(h, grid);
    await h.request.post(`/api/v1/cases/${c.id}/actions/register`).set(auth(dispatcher)).send({});
    await h.request.post(`/api/v1/cases/${c.id}/actions/dispatch`).set(auth(dispatcher)).send({});
    await h.request.post(`/api/v1/cases/${c.id}/actions/sign`).set(auth(inspector)).send({});
    await refused(() => h.request.post(`/api/v1/cases/${c.id}/actions/handle`).set(auth(inspector)).send({ note: 'done' }), 422, 'photo.missing');
    await refused(
      async () => h.request.post(`/api/v1/cases/${c.id}/actions/handle`).set(auth(inspector)).field('note', 'x').attach('photos', await smallJpeg(), 'a.jpg').attach('photos', renamedPdf(), 'b.jpg'),
      415,
      'photo.unsupported_type',
    );
  });
});
