// Issue 13, item 4: every case has an unguessable tracking link, /t/<token>, that shows its public view
// without an account. Tested: valid, random and revoked tokens; who may see and withdraw the link.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CaseDto, SandboxAccount, TrackingDto } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';

let h: Harness;
let reporter: Session;
let follower: Session;
let stranger: Session;
let dispatcher: Session;
let inspector: Session;
let grid: SandboxAccount;
let c: CaseDto;

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  const residents = h.accounts.filter((a) => a.role === 'resident');
  reporter = await as(h, residents[0]!);
  follower = await as(h, residents[1]!);
  stranger = await as(h, residents[2]!);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  inspector = await as(h, grid);
  c = await reportOk(h, reporter, { lat: grid.lat!, lng: grid.lng!, description: '楼道口垃圾无人清运，联系人张先生' });
  await h.request.post(`/api/v1/cases/${c.id}/follow`).set(auth(follower)).expect(200);
});
afterAll(async () => {
  await h?.close();
});

const linkOf = (s: Session) => h.request.get(`/api/v1/cases/${c.id}/tracking-link`).set(auth(s));
const tokenOf = (url: string) => url.split('/t/')[1]!;
const track = (token: string) => h.request.get(`/api/v1/track/${token}`);

describe('tracking links', () => {
  let first: string;

  it('gives the reporter a stable link whose page shows the public view only', async () => {
    const res = await linkOf(reporter);
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/\/t\/[A-Za-z0-9_-]{43}$/);
    first = tokenOf(res.body.url);
    expect(tokenOf((await linkOf(reporter)).body.url)).toBe(first);
    expect(tokenOf((await linkOf(follower)).body.url)).toBe(first);
    expect(tokenOf((await linkOf(dispatcher)).body.url)).toBe(first);

    const redirect = await h.request.get(`/t/${first}`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(`/#/pages/track/index?t=${first}`);

    const view = await track(first);
    expect(view.status).toBe(200);
    const body = view.body as TrackingDto;
    expect(body).toMatchObject({ caseNo: c.caseNo, statusText: '已收到，等待受理' });
    await actOk(h, dispatcher, c.id, 'register');
    expect(((await track(first)).body as TrackingDto).timeline.map((s) => s.title)).toEqual(['已收到', '受理']);
    const text = JSON.stringify((await track(first)).body);
    for (const secret of ['张先生', reporter.account.openid, reporter.account.name]) expect(text).not.toContain(secret);
  });

  it('answers a random or malformed token like a missing page', async () => {
    expect((await track(crypto.randomBytes(32).toString('base64url'))).status).toBe(404);
    expect((await h.request.get('/t/short')).status).toBe(404);
  });

  it('shows the photos staff published, and only those', async () => {
    expect(((await track(first)).body as TrackingDto).photos).toEqual([]);
    const photoId = c.photos![0]!.id;
    await h.request.post(`/api/v1/cases/${c.id}/photos/${photoId}/publish`).set(auth(dispatcher)).send({ published: true }).expect(200);
    const view = (await track(first)).body as TrackingDto;
    expect(view.photos).toHaveLength(1);
    expect(view.photos[0]!.kind).toBe('before');
    expect(view.photos[0]!.thumbUrl).toContain(photoId);
    expect((await h.request.get(view.photos[0]!.url.replace(/^https?:\/\/[^/]+/, ''))).status).toBe(200);
    await h.request.post(`/api/v1/cases/${c.id}/photos/${photoId}/publish`).set(auth(dispatcher)).send({ published: false }).expect(200);
    expect(((await track(first)).body as TrackingDto).photos).toEqual([]);
  });

  it('sends /public (the address printed on posters) to the public map page', async () => {
    const res = await h.request.get('/public');
    expect([res.status, res.headers.location]).toEqual([302, '/#/packages/public/pages/index/index']);
  });

  it('lets the reporter withdraw a leaked link: the old one stops working, the new one works', async () => {
    expect((await h.request.post(`/api/v1/cases/${c.id}/tracking-link/revoke`).set(auth(follower))).status).toBe(403);
    expect((await h.request.post(`/api/v1/cases/${c.id}/tracking-link/revoke`).set(auth(inspector))).status).toBe(403);
    const res = await h.request.post(`/api/v1/cases/${c.id}/tracking-link/revoke`).set(auth(reporter));
    expect(res.status).toBe(200);
    const second = tokenOf(res.body.url);
    expect(second).not.toBe(first);
    expect((await track(first)).status).toBe(404);
    expect((await track(second)).status).toBe(200);
    expect(tokenOf((await linkOf(reporter)).body.url)).toBe(second);
    // The district platform may withdraw it too.
    const third = tokenOf((await h.request.post(`/api/v1/cases/${c.id}/tracking-link/revoke`).set(auth(dispatcher))).body.url);
    expect((await track(second)).status).toBe(404);
    expect((await track(third)).status).toBe(200);
  });

  it('keeps the link from people who cannot see the case, and refuses bad ids', async () => {
    expect((await linkOf(stranger)).status).toBe(404);
    expect((await h.request.post(`/api/v1/cases/${c.id}/tracking-link/revoke`).set(auth(stranger))).status).toBe(404);
    expect((await h.request.get('/api/v1/cases/nope/tracking-link').set(auth(reporter))).status).toBe(400);
    expect((await h.request.get(`/api/v1/cases/${c.id}/tracking-link`)).status).toBe(401);
  });
});
