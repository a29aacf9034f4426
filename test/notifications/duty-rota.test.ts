import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { SandboxAccount } from '@finecity/types';
import { users } from '../../server/src/adapters/postgres/schema.js';
import { jobId } from '../../server/src/adapters/queue/queues.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { eventually, notificationsFor, settled } from './support.js';

// The duty rota drives who hears a dispatch (issue 9): the A inspector on an A day, the B inspector on a
// B day, the date override's slot, the substitute covering a post, and the A/B failover's other post.
let h: Harness;
let admin: Session;
let dispatcher: Session;
let resident: Session;
let a: SandboxAccount;
let b: SandboxAccount;
let cover: SandboxAccount;
let grid: string;

const idOf = async (openid: string) => (await h.database.db.select({ id: users.id }).from(users).where(eq(users.openid, openid)))[0]!.id;
const put = (body: Record<string, unknown>, month = '2026-12') => h.request.put(`/api/v1/admin/duty?orgNodeCode=${grid}&month=${month}`).set(auth(admin)).send(body);

beforeAll(async () => {
  h = await startHarness({ notifications: {} });
  const dAdmin = pick(h, 'admin', (x) => x.orgNodeCode !== '210200');
  admin = await as(h, dAdmin);
  const district = dAdmin.orgNodeCode!;
  a = pick(h, 'inspector', (x) => x.orgNodeCode!.startsWith(district) && x.duty === 'A');
  grid = a.orgNodeCode!;
  b = pick(h, 'inspector', (x) => x.orgNodeCode === grid && x.duty === 'B');
  cover = pick(h, 'inspector', (x) => x.orgNodeCode!.startsWith(district) && x.orgNodeCode !== grid);
  dispatcher = await as(h, pick(h, 'district', (x) => x.orgNodeCode === district));
  resident = await as(h, pick(h, 'resident'));
});
afterAll(async () => {
  await h?.close();
});

/** Dispatches a new case to the grid at a Beijing date and answers who was told as the on-duty inspector. */
async function dispatchOn(instant: string) {
  h.clock.set(instant);
  const c = await reportOk(h, resident, { lat: a.lat!, lng: a.lng! });
  await actOk(h, dispatcher, c.id, 'register');
  const d = await actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: grid });
  const ns = await settled(h, c.id, 'case.dispatch');
  return { c: d, told: ns.filter((n) => n.recipientUserId).map((n) => n.recipientUserId) };
}

describe('the rota decides who hears a dispatch', () => {
  it('tells the A inspector on an A day and the B inspector on a B day', async () => {
    expect((await dispatchOn('2026-12-16T02:00:00Z')).told).toEqual([await idOf(a.openid)]); // Beijing 16th: even
    expect((await dispatchOn('2026-12-17T02:00:00Z')).told).toEqual([await idOf(b.openid)]); // 17th: odd
  });

  it('follows a date override and a district rule change', async () => {
    expect((await put({ overrides: [{ date: '2026-12-20', slot: 'B' }] })).status).toBe(200);
    expect((await dispatchOn('2026-12-20T03:00:00Z')).told).toEqual([await idOf(b.openid)]);
    expect((await h.request.put(`/api/v1/admin/duty?orgNodeCode=${grid.slice(0, 6)}&month=2026-12`).set(auth(admin)).send({ rule: 'a_only' })).status).toBe(200);
    expect((await dispatchOn('2026-12-21T03:00:00Z')).told).toEqual([await idOf(a.openid)]); // odd day, but A only
    expect((await h.request.put(`/api/v1/admin/duty?orgNodeCode=${grid.slice(0, 6)}&month=2026-12`).set(auth(admin)).send({ rule: 'alternate_days' })).status).toBe(200);
  });

  it('tells the substitute when one covers the post on duty', async () => {
    const sub = await idOf(cover.openid);
    expect((await put({ substitutes: [{ post: 'B', userId: sub, from: '2026-12-23', to: '2026-12-25' }] })).status).toBe(200);
    const { c, told } = await dispatchOn('2026-12-23T02:00:00Z'); // odd: B, covered
    expect(told).toEqual([sub]);
    const ns = await notificationsFor(h, c.id);
    expect(ns.find((n) => n.recipientUserId === sub)!.status).toBe('sent');
  });

  it('hands an unsigned task to the rota\'s other post (its substitute) on failover', async () => {
    const { c } = await dispatchOn('2026-12-24T02:00:00Z'); // even: A on duty; B is covered
    expect(c.state).toBe('dispatched');
    const job = await eventually(() => h.notifier!.queues.deadlines.getJob(jobId('failover', c.id, `v${c.version}`, 'b')), 10_000, 'failover b');
    await job.promote();
    const n = await eventually(async () => (await notificationsFor(h, c.id)).find((x) => x.event === 'duty.failover_b'), 15_000, 'failover');
    expect(n.recipientUserId).toBe(await idOf(cover.openid));
  });
});
