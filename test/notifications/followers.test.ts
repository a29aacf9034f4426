// Issue 13, item 2: a resident who taps 我也遇到 (POST /cases/:id/follow) hears the case's steps as its
// reporter does: the registration reaches both through the real relay, workers and the WeChat sandbox.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SandboxAccount } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { delivered, eventually } from './support.js';

let h: Harness;
let reporter: Session;
let follower: Session;
let dispatcher: Session;
let grid: SandboxAccount;

beforeAll(async () => {
  h = await startHarness({ notifications: {} });
  grid = pick(h, 'inspector');
  const residents = h.accounts.filter((a) => a.role === 'resident');
  reporter = await as(h, residents[0]!);
  follower = await as(h, residents[1]!);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

describe('followers hear the case', () => {
  it('sends the registration to the reporter and to a resident who tapped 我也遇到', async () => {
    for (const s of [reporter, follower]) {
      const res = await h.request.post('/api/v1/subscriptions').set(auth(s)).send({ results: { 'sbx-sub-case-progress': 'accept' } });
      expect(res.status).toBe(200);
    }
    const c = await reportOk(h, reporter, { lat: grid.lat!, lng: grid.lng! });
    const followed = await h.request.post(`/api/v1/cases/${c.id}/follow`).set(auth(follower));
    expect(followed.body).toMatchObject({ following: true, supporters: 1 });
    await actOk(h, dispatcher, c.id, 'register');
    for (const s of [reporter, follower]) {
      const msg = await eventually(
        async () => delivered(h, { openid: s.account.openid, channel: 'subscribe' }).find((m) => m.data && Object.values(m.data).includes(c.caseNo)),
        20_000, `subscribe message to ${s.account.openid}`,
      );
      expect(Object.values(msg.data!)).toContain('已受理');
      expect(msg.page).toBe(`pages/case/index?id=${c.id}`);
    }
  });
});
