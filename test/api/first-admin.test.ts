// Going live, step one: `npm run admin:invite` makes the first administrator and sends their activation SMS
// (server/src/usecases/admin/first-admin.ts); they activate on the login page and can then administer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inviteAdmin } from '../../server/src/usecases/admin/first-admin.js';
import { startHarness, type Harness } from '../support/harness.js';
import { auth } from '../support/flows.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const MOBILE = '13900001111';
const inviteSms = (mobile: string) => h.sandbox.messages({ phone: mobile, channel: 'sms' }).filter((m) => m.templateId === 'SMS_STAFF_INVITE' && m.accepted);

describe('the first administrator', () => {
  it('is created at the city node with an activation SMS, activates by code, and can administer the city', async () => {
    const first = await inviteAdmin(h.deps, { name: '周管理', mobile: MOBILE });
    expect(first).toMatchObject({ created: true, sent: true });
    const sms = inviteSms(MOBILE);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.data!.code).toMatch(/^\d{6}$/);

    const login = await h.request.post('/api/v1/auth/wechat').send({ code: 'sandbox:first-admin-openid', inviteCode: sms[0]!.data!.code });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ roles: ['admin'], name: '周管理' });
    const cityCode = h.deps.org.all().find((n) => n.level === 'city')!.code;
    expect(login.body.user.orgNodeCode).toBe(cityCode);

    const staff = await h.request.get('/api/v1/admin/staff?q=周管理').set(auth({ token: login.body.token, account: null as never }));
    expect(staff.status).toBe(200);
    expect(staff.body.items[0]).toMatchObject({ name: '周管理', status: 'active' });

    const audit = await h.request.get('/api/v1/admin/audit?entity=user').set(auth({ token: login.body.token, account: null as never }));
    expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['staff.bootstrap_admin', 'staff.bind']));
    // Each line names its person, for the audit page.
    expect(audit.body.items.find((i: { action: string }) => i.action === 'staff.bind')).toMatchObject({ entityType: 'user', entityName: '周管理' });
  });

  it('re-sends for the same mobile, and refuses bad input and a mobile held by a non-admin', async () => {
    const again = await inviteAdmin(h.deps, { name: '周管理', mobile: MOBILE });
    expect(again).toMatchObject({ created: false });
    await expect(inviteAdmin(h.deps, { name: '', mobile: MOBILE })).rejects.toMatchObject({ code: 'request.invalid' });
    await expect(inviteAdmin(h.deps, { name: '某人', mobile: '12345' })).rejects.toMatchObject({ code: 'request.invalid' });
    await expect(inviteAdmin(h.deps, { name: '某人', mobile: '13900002222', orgNodeCode: 'NOPE' })).rejects.toMatchObject({ code: 'org.unknown' });
    // A roster person (not an admin) keeps their role.
    const [roster] = await h.deps.uow.run(async (tx) => tx.staff.create([{ name: '网格员甲', mobile: '13900003333', roles: ['inspector'], orgNodeCode: h.accounts.find((a) => a.role === 'inspector')!.orgNodeCode!, dutySlot: 'A', wecomUserid: null }]));
    expect(roster).toBeDefined();
    await expect(inviteAdmin(h.deps, { name: '网格员甲', mobile: '13900003333' })).rejects.toMatchObject({ code: 'auth.forbidden' });
  });
});
