import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { and, desc, eq } from 'drizzle-orm';
import type { CaseDto, Role, SandboxAccount } from '@finecity/types';
import { auditLog, notifications, outbox, staffInvitations, users } from '../../server/src/adapters/postgres/schema.js';
import { loadUser } from '../../server/src/usecases/login.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, getCase, pick, reportOk, type Session } from '../support/flows.js';
import { delivered, eventually, settled } from '../notifications/support.js';

// Staff lifecycle (issue 9): invitation SMS with a 6-digit code, activation by that code or by WeChat's
// verified mobile, refusals, the 5-wrong-codes lock, and deactivation with the hand-over of open cases.

let h: Harness;
let cityAdmin: Session;
let grid: SandboxAccount;
let communityCode: string;

beforeAll(async () => {
  // With the notifier: a hand-over tells whoever now holds the cases (through the outbox, to the sandbox).
  h = await startHarness({ notifications: {} });
  cityAdmin = await as(h, pick(h, 'admin', (a) => a.orgNodeCode === '210200'));
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  communityCode = grid.orgNodeCode!.slice(0, 11);
});
afterAll(async () => {
  await h?.close();
});

const newMobile = () => `139${String(crypto.randomInt(0, 100_000_000)).padStart(8, '0')}`;
const newOpenid = () => `o-test-${crypto.randomBytes(6).toString('hex')}`;

/** An invited staff member as a roster import leaves them (test-only insert). */
async function invitedStaff(o: { roles?: Role[]; orgNodeCode?: string; mobile?: string } = {}): Promise<{ id: string; mobile: string }> {
  const mobile = o.mobile ?? newMobile();
  const [row] = await h.database.db
    .insert(users)
    .values({ name: `测试人员${mobile.slice(-4)}`, mobile, roles: o.roles ?? ['community'], orgNodeCode: o.orgNodeCode ?? communityCode, status: 'invited' })
    .returning({ id: users.id });
  return { id: row!.id, mobile };
}

const invite = (id: string, s: Session = cityAdmin) => h.request.post(`/api/v1/admin/staff/${id}/invite`).set(auth(s)).send({});
const login = (body: Record<string, unknown>) => h.request.post('/api/v1/auth/wechat').send(body);

/** The newest activation SMS the sandbox's SMS gateway accepted for this mobile. */
function lastInviteSms(mobile: string) {
  const sms = h.sandbox.messages({ phone: mobile, channel: 'sms' }).filter((m) => m.templateId === 'SMS_STAFF_INVITE' && m.accepted);
  return sms[sms.length - 1];
}

async function auditOf(action: string, entityId: string) {
  return h.database.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId))).orderBy(desc(auditLog.id));
}

describe('invitations', () => {
  it('sends a 6-digit code by SMS, in Chinese with the Beijing expiry, and stores only its hash', async () => {
    const p = await invitedStaff();
    const res = await invite(p.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ smsSent: true });
    const sms = lastInviteSms(p.mobile)!;
    expect(sms.data!.code).toMatch(/^\d{6}$/);
    expect(sms.data!.role).toBe('社区工作人员');
    // 7 days after the test clock's 2026-11-25 10:00 Beijing time
    expect(sms.data!.expiresAt).toBe('2026-12-02 10:00');
    expect(sms.content).toContain('激活码');
    const hashes = (await h.database.db.select({ h: staffInvitations.codeHash }).from(staffInvitations).where(eq(staffInvitations.userId, p.id))).map((r) => r.h);
    expect(hashes).toHaveLength(1);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[0]).not.toContain(sms.data!.code);
    expect(await auditOf('staff.invite_resend', p.id)).toHaveLength(1);
  });

  it('the roster-import hook invites new people; a re-send revokes the old code', async () => {
    const p = await invitedStaff();
    const admin = (await loadUser(h.deps, (await h.request.get('/api/v1/me').set(auth(cityAdmin))).body.user.id))!;
    await h.deps.staffInvitations!.inviteNew([p.id], admin);
    const first = lastInviteSms(p.mobile)!.data!.code!;
    expect(await auditOf('staff.invite', p.id)).toHaveLength(1);
    expect((await invite(p.id)).status).toBe(200);
    const second = lastInviteSms(p.mobile)!.data!.code!;
    const rows = await h.database.db
      .select({ revokedAt: staffInvitations.revokedAt, smsStatus: staffInvitations.smsStatus })
      .from(staffInvitations)
      .where(eq(staffInvitations.userId, p.id))
      .orderBy(staffInvitations.id);
    expect(rows).toEqual([{ revokedAt: expect.any(Date), smsStatus: 'sent' }, { revokedAt: null, smsStatus: 'sent' }]);
    expect((await auditOf('staff.invite_resend', p.id))[0]).toMatchObject({ before: { revokedInvitations: 1 } });
    // The old code no longer binds (two draws may coincide one time in a million: then it is the new one).
    const old = await login({ code: `sandbox:${newOpenid()}`, inviteCode: first });
    expect(old.status).toBe(first === second ? 200 : 401);
    if (first !== second) {
      expect(old.body.error.code).toBe('auth.invite_invalid');
      const ok = await login({ code: `sandbox:${newOpenid()}`, inviteCode: second });
      expect(ok.status).toBe(200);
      expect(ok.body.user.id).toBe(p.id);
    }
  });

  it('refuses re-sending to an active person, out-of-scope admins and non-admins', async () => {
    const p = await invitedStaff();
    const districtAdmin = await as(h, pick(h, 'admin', (a) => a.orgNodeCode !== '210200'));
    const other = await invitedStaff({ orgNodeCode: '210200' });
    expect((await invite(other.id, districtAdmin)).status).toBe(403);
    const resident = await as(h, pick(h, 'resident'));
    expect((await invite(p.id, resident)).status).toBe(403);
    expect((await invite('not-a-uuid')).status).toBe(400);
    expect((await invite(crypto.randomUUID())).status).toBe(404);
    await invite(p.id);
    await login({ code: `sandbox:${newOpenid()}`, inviteCode: lastInviteSms(p.mobile)!.data!.code });
    const again = await invite(p.id);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('staff.not_invitable');
  });
});

describe('activation', () => {
  it('binds the WeChat identity by the invitation code and answers a staff token; the code is single use', async () => {
    const p = await invitedStaff({ roles: ['inspector'], orgNodeCode: grid.orgNodeCode! });
    await invite(p.id);
    const code = lastInviteSms(p.mobile)!.data!.code;
    const openid = newOpenid();
    const res = await login({ code: `sandbox:${openid}`, inviteCode: code });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: p.id, roles: ['inspector'], orgNodeCode: grid.orgNodeCode });
    const me = await h.request.get('/api/v1/me').set({ Authorization: `Bearer ${res.body.token}` });
    expect(me.body.user.id).toBe(p.id);
    const [row] = await h.database.db.select({ status: users.status, openid: users.openid }).from(users).where(eq(users.id, p.id));
    expect(row).toEqual({ status: 'active', openid });
    // Later logins are plain: the openid is bound now.
    expect((await login({ code: `sandbox:${openid}` })).body.user.id).toBe(p.id);
    // Used once: another identity cannot reuse it.
    const reuse = await login({ code: `sandbox:${newOpenid()}`, inviteCode: code });
    expect(reuse.status).toBe(401);
    const [bind] = await auditOf('staff.bind', p.id);
    expect(bind).toMatchObject({ actorId: p.id, orgNodeCode: grid.orgNodeCode, after: { status: 'active', openid, via: 'invite_code' } });
  });

  it('locks an identity after 5 wrong codes: the 6th try, even with the right code, is refused', async () => {
    const p = await invitedStaff();
    await invite(p.id);
    const right = lastInviteSms(p.mobile)!.data!.code!;
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const openid = newOpenid();
    const answers: [number, string][] = [];
    for (let i = 0; i < 5; i++) {
      const r = await login({ code: `sandbox:${openid}`, inviteCode: wrong });
      answers.push([r.status, r.body.error.code]);
    }
    expect(answers).toEqual([
      [401, 'auth.invite_invalid'], [401, 'auth.invite_invalid'], [401, 'auth.invite_invalid'], [401, 'auth.invite_invalid'], [429, 'auth.invite_locked'],
    ]);
    const sixth = await login({ code: `sandbox:${openid}`, inviteCode: right });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.message).toContain('锁定');
    // Another identity with the right code still activates: the lock holds the guesser, not the invitee.
    expect((await login({ code: `sandbox:${newOpenid()}`, inviteCode: right })).status).toBe(200);
  });

  it('refuses an expired code', async () => {
    const p = await invitedStaff();
    await invite(p.id);
    const code = lastInviteSms(p.mobile)!.data!.code;
    h.clock.advanceHours(7 * 24 + 1);
    try {
      const res = await login({ code: `sandbox:${newOpenid()}`, inviteCode: code });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'auth.invite_invalid', message: expect.stringContaining('过期') });
    } finally {
      h.clock.advanceHours(-(7 * 24 + 1));
    }
  });

  it('binds by the verified mobile (getPhoneNumber), and refuses an unknown mobile and a bad phone code', async () => {
    const p = await invitedStaff();
    const openid = newOpenid();
    const res = await login({ code: `sandbox:${openid}`, phoneCode: `sandbox-phone:${p.mobile}` });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: p.id, roles: ['community'] });
    expect((await auditOf('staff.bind', p.id))[0]).toMatchObject({ after: { via: 'phone', openid } });
    const unknown = await login({ code: `sandbox:${newOpenid()}`, phoneCode: `sandbox-phone:${newMobile()}` });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'auth.phone_unmatched']);
    const bad = await login({ code: `sandbox:${newOpenid()}`, phoneCode: 'not-a-phone-code' });
    expect([bad.status, bad.body.error.code]).toEqual([401, 'auth.wechat_code_invalid']);
    const both = await login({ code: `sandbox:${newOpenid()}`, phoneCode: 'x', inviteCode: '123456' });
    expect(both.status).toBe(400);
    const shortCode = await login({ code: `sandbox:${newOpenid()}`, inviteCode: '12ab' });
    expect(shortCode.status).toBe(400);
  });

  it('an unbound openid stays a resident, and a resident openid cannot become staff (409, audited)', async () => {
    const openid = newOpenid();
    const plain = await login({ code: `sandbox:${openid}` });
    expect(plain.body.user.roles).toEqual(['resident']);
    const p = await invitedStaff();
    await invite(p.id);
    const res = await login({ code: `sandbox:${openid}`, inviteCode: lastInviteSms(p.mobile)!.data!.code });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('staff.openid_in_use');
    expect(res.body.error.message).toContain('市民');
    expect((await auditOf('staff.bind_refused', p.id))[0]).toMatchObject({ actorId: plain.body.user.id, after: { reason: 'openid_is_resident', openid } });
    const [row] = await h.database.db.select({ status: users.status, openid: users.openid }).from(users).where(eq(users.id, p.id));
    expect(row).toEqual({ status: 'invited', openid: null });
  });

  it('refuses a second binding of an already-bound record, and audits it', async () => {
    const p = await invitedStaff();
    const first = newOpenid();
    expect((await login({ code: `sandbox:${first}`, phoneCode: `sandbox-phone:${p.mobile}` })).status).toBe(200);
    const second = newOpenid();
    const res = await login({ code: `sandbox:${second}`, phoneCode: `sandbox-phone:${p.mobile}` });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'staff.already_bound', message: expect.stringContaining('已绑定') });
    const [refused] = await auditOf('staff.bind_refused', p.id);
    expect(refused).toMatchObject({ after: { openid: second, reason: 'already_bound', via: 'phone' } });
    // The second identity did not become anybody.
    expect((await h.database.db.select().from(users).where(eq(users.openid, second))).length).toBe(0);
    // The bound one still logs in.
    expect((await login({ code: `sandbox:${first}`, phoneCode: `sandbox-phone:${p.mobile}` })).body.user.id).toBe(p.id);
  });
});

describe('deactivation', () => {
  it("answers 401 to the old token on the very next request, and hands the grid's open cases over", async () => {
    // A grid of our own with two activated inspectors (A and B), and a case dispatched to it.
    const a = await invitedStaff({ roles: ['inspector'], orgNodeCode: grid.orgNodeCode! });
    const b = await invitedStaff({ roles: ['inspector'], orgNodeCode: grid.orgNodeCode! });
    const sa = await login({ code: `sandbox:${newOpenid()}`, phoneCode: `sandbox-phone:${a.mobile}` });
    const sb = await login({ code: `sandbox:${newOpenid()}`, phoneCode: `sandbox-phone:${b.mobile}` });
    expect([sa.status, sb.status]).toEqual([200, 200]);
    const resident = await as(h, pick(h, 'resident'));
    const dispatcher = await as(h, pick(h, 'district', (x) => x.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
    const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng! });
    await actOk(h, dispatcher, c.id, 'register');
    await actOk(h, dispatcher, c.id, 'dispatch', {});

    const tokenA = { Authorization: `Bearer ${sa.body.token}` };
    expect((await h.request.get('/api/v1/me').set(tokenA)).status).toBe(200);
    const off = await h.request.post(`/api/v1/admin/staff/${a.id}/deactivate`).set(auth(cityAdmin)).send({ reason: '调离' });
    expect(off.status).toBe(200);
    expect(off.body.keptByGrid).toContain(c.id);
    const after = await h.request.get('/api/v1/me').set(tokenA);
    expect([after.status, after.body.error.code]).toEqual([401, 'auth.deactivated']);
    expect((await auditOf('staff.deactivate', a.id))[0]).toMatchObject({ actorRole: 'admin', before: { status: 'active' }, after: { status: 'deactivated' }, note: '调离' });
    expect((await auditOf('case.handover', c.id))[0]).toMatchObject({ after: { holder: grid.orgNodeCode } });
    // b now holds the grid's cases and is told so, in Chinese with Beijing time (by SMS: no WeChat consent on file).
    const aName = (await h.database.db.select({ name: users.name }).from(users).where(eq(users.id, a.id)))[0]!.name;
    const told = await eventually(async () => delivered(h, { phone: b.mobile, channel: 'sms' }).find((m) => m.content.includes('【任务移交】')), 20_000, "b's 任务移交 SMS");
    expect(told.content).toContain(aName);
    expect(told.content).toContain(`${off.body.keptByGrid.length}件在办案件转由您办理`);
    expect(told.content).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(told.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    // Every inspector still active in the grid gets it; a, the deactivated one, does not.
    const stillActive = (await h.database.db.select({ id: users.id, roles: users.roles }).from(users).where(and(eq(users.orgNodeCode, grid.orgNodeCode!), eq(users.status, 'active'))))
      .filter((x) => x.roles.includes('inspector')).map((x) => x.id);
    expect(stillActive).not.toContain(a.id);
    expect(stillActive).toContain(b.id);
    const handovers = await eventually(async () => {
      const rows = (await h.database.db.select().from(notifications).where(eq(notifications.event, 'staff.handover'))).filter((n) => n.status !== 'pending');
      return rows.length >= stillActive.length ? rows : undefined;
    }, 20_000, 'the 任务移交 notifications');
    expect(handovers.map((n) => n.recipientUserId).sort()).toEqual(stillActive.sort());
    // Then the grid's other inspectors go too (the seeded ones first, b last): b's deactivation leaves no one.
    expect(((await getCase(h, resident, c.id)).body.case as CaseDto).responsible!.code).toBe(grid.orgNodeCode);

    const others = await h.database.db
      .select({ id: users.id, roles: users.roles })
      .from(users)
      .where(and(eq(users.orgNodeCode, grid.orgNodeCode!), eq(users.status, 'active')));
    const seeded = others.filter((x) => x.roles.includes('inspector') && x.id !== b.id);
    expect(seeded.length).toBeGreaterThan(0);
    for (const { id } of seeded) {
      expect((await h.request.post(`/api/v1/admin/staff/${id}/deactivate`).set(auth(cityAdmin)).send({})).status).toBe(200);
    }
    // (Counted where the deactivation writes them, in its own transaction: the outbox.)
    const handoverCount = async () => (await h.database.db.select().from(outbox).where(eq(outbox.topic, 'staff.handover'))).length;
    const handoversBefore = await handoverCount();
    const last = await h.request.post(`/api/v1/admin/staff/${b.id}/deactivate`).set(auth(cityAdmin)).send({});
    expect(last.status).toBe(200);
    expect(last.body.handedOver).toContainEqual({ caseId: c.id, to: communityCode });
    // The escalation tells the community's staff (its own case.escalate message), and nothing else is sent twice.
    const escalated = await settled(h, c.id, 'case.escalate');
    const communityStaff = (await h.database.db.select({ id: users.id, roles: users.roles }).from(users).where(eq(users.orgNodeCode, communityCode)))
      .filter((x) => x.roles.includes('community')).map((x) => x.id);
    expect(communityStaff.length).toBeGreaterThan(0);
    expect(escalated.map((n) => n.recipientUserId)).toEqual(expect.arrayContaining(communityStaff));
    expect(await handoverCount()).toBe(handoversBefore);
    const moved = (await getCase(h, resident, c.id)).body.case as CaseDto;
    expect(moved).toMatchObject({ state: 'dispatched', responsible: { code: communityCode } });
    expect(moved.events!.at(-1)).toMatchObject({ action: 'escalate' });
    expect((await auditOf('case.handover', c.id))[0]).toMatchObject({ before: { holder: grid.orgNodeCode }, after: { holder: communityCode } });
    // The deactivated inspector cannot log in again with their bound WeChat either.
    const bound = await h.database.db.select({ openid: users.openid }).from(users).where(eq(users.id, b.id));
    const relog = await login({ code: `sandbox:${bound[0]!.openid}` });
    expect([relog.status, relog.body.error.code]).toEqual([401, 'auth.deactivated']);
    // A deactivated person cannot be re-invited, and a non-admin cannot deactivate.
    expect((await invite(b.id)).status).toBe(409);
    expect((await h.request.post(`/api/v1/admin/staff/${b.id}/deactivate`).set(auth(resident)).send({})).status).toBe(403);
  });
});
