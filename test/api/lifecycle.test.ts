import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { act, actOk, as, getCase, handleOk, pick, reportOk, type Session } from '../support/flows.js';

let h: Harness;
let resident: Session;
let resident2: Session;
let inspector: Session;
let dispatcher: Session;
let community: Session;
let grid: SandboxAccount;

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  const districtCode = grid.orgNodeCode!.slice(0, 6);
  resident = await as(h, pick(h, 'resident'));
  resident2 = await as(h, pick(h, 'resident', (a) => a.code !== resident.account.code));
  inspector = await as(h, grid);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtCode));
  community = await as(h, pick(h, 'community', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 11)));
});
afterAll(async () => {
  await h?.close();
});

const at = () => ({ lat: grid.lat!, lng: grid.lng! });

async function dispatched(): Promise<CaseDto> {
  const c = await reportOk(h, resident, at());
  await actOk(h, dispatcher, c.id, 'register');
  return actOk(h, dispatcher, c.id, 'dispatch', {});
}

describe('the case lifecycle', () => {
  it('walks a report through register, dispatch, sign, handle, verify and close, then the reporter rates it', async () => {
    const c = await reportOk(h, resident, at());
    expect(c).toMatchObject({ state: 'submitted', grid: { code: grid.orgNodeCode }, category: { code: '06010', standardRef: 'GB/T 47678.5-2026' } });
    expect(c.caseNo).toMatch(/^DL\d{8}-\d{6}$/);
    expect((await actOk(h, dispatcher, c.id, 'register')).state).toBe('registered');
    const d = await actOk(h, dispatcher, c.id, 'dispatch', { complexity: 'simple' });
    expect(d).toMatchObject({ state: 'dispatched', responsible: { code: grid.orgNodeCode, level: 'grid' }, complexity: 'simple' });
    expect(new Date(d.deadline!.dueAt).getTime() - h.clock.now().getTime()).toBe(24 * 3600_000);
    expect(d.deadline!.level).toBe('green');
    expect((await actOk(h, inspector, c.id, 'sign')).state).toBe('in_progress');
    const handled = await handleOk(h, inspector, c.id);
    expect(handled.state).toBe('handled');
    const closed = await actOk(h, dispatcher, c.id, 'verify', { passed: true });
    expect(closed.state).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    const seen = (await getCase(h, resident, c.id)).body.case as CaseDto;
    expect(seen.photos!.map((p) => p.kind)).toEqual(['before', 'after']);
    expect(seen.events!.map((e) => e.action)).toEqual(['submit', 'register', 'dispatch', 'sign', 'handle', 'verify']);
    expect(seen.allowedActions).toEqual(expect.arrayContaining(['rate', 'reopen']));
    const rated = await actOk(h, resident, c.id, 'rate', { score: 5, comment: '处理很快' });
    expect(rated.rating).toEqual({ score: 5, comment: '处理很快' });
    expect((await act(h, resident, c.id, 'rate', { score: 4 })).body.error.code).toBe('case.already_rated');
  });

  it('serves the before and after photos through signed URLs only', async () => {
    const c = await reportOk(h, resident, at());
    const photo = ((await getCase(h, resident, c.id)).body.case as CaseDto).photos![0]!;
    const ok = await h.request.get(photo.url);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/jpeg');
    const thumb = await h.request.get(photo.thumbUrl);
    expect(thumb.status).toBe(200);
    const forged = await h.request.get(photo.url.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(forged.status).toBe(403);
  });

  it('lets the reporter reopen a closed case within 7 days, and not after', async () => {
    const c = await dispatched();
    await actOk(h, inspector, c.id, 'sign');
    await handleOk(h, inspector, c.id);
    await actOk(h, dispatcher, c.id, 'verify', { passed: true });
    h.clock.advanceHours(24 * 6);
    const reopened = await actOk(h, resident, c.id, 'reopen', { note: '垃圾又堆起来了' });
    expect(reopened).toMatchObject({ state: 'registered', responsible: null, deadline: null });
    await actOk(h, dispatcher, c.id, 'dispatch', {});
    await actOk(h, inspector, c.id, 'sign');
    await handleOk(h, inspector, c.id);
    await actOk(h, dispatcher, c.id, 'verify', { passed: true });
    h.clock.advanceHours(24 * 7 + 1);
    const late = await act(h, resident, c.id, 'reopen', { note: '又出现了' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('case.reopen_window_passed');
  });

  it('returns a wrongly dispatched case to the dispatcher, who dispatches it again', async () => {
    const c = await dispatched();
    const back = await actOk(h, inspector, c.id, 'return', { note: '不属于本网格' });
    expect(back).toMatchObject({ state: 'registered', responsible: null });
    // Still located in the inspector's grid, so visible, but no longer theirs to sign: 403.
    expect((await act(h, inspector, c.id, 'sign')).status).toBe(403);
    const again = await actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: grid.orgNodeCode!.slice(0, 11) });
    expect(again.responsible).toMatchObject({ level: 'community' });
  });

  it('escalates what the grid cannot fix to the community, which then handles it', async () => {
    const c = await dispatched();
    const up = await actOk(h, inspector, c.id, 'escalate', { note: '需要社区协调' });
    expect(up).toMatchObject({ state: 'dispatched', responsible: { code: grid.orgNodeCode!.slice(0, 11), level: 'community' } });
    expect((await act(h, inspector, c.id, 'sign')).status).toBe(403);
    await actOk(h, community, c.id, 'sign');
    expect((await handleOk(h, community, c.id)).state).toBe('handled');
  });

  it('moves the deadline when an extension is approved, and keeps it when denied', async () => {
    const c = await dispatched();
    await actOk(h, inspector, c.id, 'sign');
    const before = new Date(c.deadline!.dueAt).getTime();
    const asked = await actOk(h, inspector, c.id, 'request-extension', { hours: 24, note: '需要等待材料' });
    expect(asked.pendingExtension).toEqual({ hours: 24, reason: '需要等待材料' });
    expect((await act(h, inspector, c.id, 'request-extension', { hours: 12, note: '再申请' })).body.error.code).toBe('case.extension_pending');
    const approved = await actOk(h, community, c.id, 'decide-extension', { approved: true });
    expect(new Date(approved.deadline!.dueAt).getTime()).toBe(before + 24 * 3600_000);
    expect(approved.pendingExtension).toBeNull();
    await actOk(h, inspector, c.id, 'request-extension', { hours: 8, note: '天气原因' });
    const denied = await actOk(h, community, c.id, 'decide-extension', { approved: false, note: '不同意' });
    expect(denied.deadline!.dueAt).toBe(approved.deadline!.dueAt);
  });

  it('sends a failed verification back as rework with a new clock, counted', async () => {
    const c = await dispatched();
    await actOk(h, inspector, c.id, 'sign');
    await handleOk(h, inspector, c.id);
    h.clock.advanceHours(5);
    const rework = await actOk(h, dispatcher, c.id, 'verify', { passed: false, note: '仍有垃圾' });
    expect(rework).toMatchObject({ state: 'in_progress', reworkCount: 1 });
    expect(new Date(rework.deadline!.startedAt).getTime()).toBe(h.clock.now().getTime());
    await handleOk(h, inspector, c.id);
    expect((await actOk(h, dispatcher, c.id, 'verify', { passed: true })).state).toBe('closed');
  });

  it('turns the clock yellow at half time, red at 80 % and overdue past the deadline', async () => {
    const c = await dispatched();
    const level = async () => ((await getCase(h, inspector, c.id)).body.case as CaseDto).deadline!.level;
    h.clock.advanceHours(12);
    expect(await level()).toBe('yellow');
    h.clock.advanceHours(7.2);
    expect(await level()).toBe('red');
    h.clock.advanceHours(5);
    expect(await level()).toBe('overdue');
  });

  it('merges a duplicate into the earlier case and lets its reporter follow the survivor', async () => {
    const first = await reportOk(h, resident, at());
    const dup = await reportOk(h, resident2, { lat: at().lat + 0.0001, lng: at().lng });
    const seen = (await getCase(h, dispatcher, dup.id)).body.case as CaseDto;
    expect(seen.duplicateCandidates!.map((d) => d.caseId)).toContain(first.id);
    const merged = await actOk(h, dispatcher, dup.id, 'merge', { intoCaseId: first.id });
    expect(merged).toMatchObject({ state: 'merged', mergedIntoId: first.id });
    const followed = await getCase(h, resident2, first.id);
    expect(followed.status).toBe(200);
    const mine = await h.request.get('/api/v1/cases?mine=true').set({ Authorization: `Bearer ${resident2.token}` });
    expect(mine.body.items.map((x: CaseDto) => x.id)).toEqual(expect.arrayContaining([first.id, dup.id]));
    expect((await act(h, dispatcher, first.id, 'merge', { intoCaseId: first.id })).body.error.code).toBe('case.merge_target_invalid');
  });

  it('parks a case (挂账) and resumes it with a fresh dispatch', async () => {
    const c = await dispatched();
    await actOk(h, inspector, c.id, 'sign');
    const parked = await actOk(h, dispatcher, c.id, 'suspend', { note: '待资金到位' });
    expect(parked.state).toBe('suspended');
    expect(parked.deadline!.level).toBe('paused');
    expect((await actOk(h, dispatcher, c.id, 'dispatch', {})).state).toBe('dispatched');
  });

  it('refuses illegal transitions with 409 and records nothing', async () => {
    const c = await reportOk(h, resident, at());
    const res = await act(h, dispatcher, c.id, 'verify', { passed: true });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('case.transition_not_allowed');
    const after = (await getCase(h, dispatcher, c.id)).body.case as CaseDto;
    expect(after.version).toBe(1);
    expect(after.events).toHaveLength(1);
  });

  it('lists the inspector\'s tasks by deadline and the dispatcher\'s incoming queue', async () => {
    const c = await reportOk(h, resident, at());
    const queue = await h.request.get('/api/v1/tasks').set({ Authorization: `Bearer ${dispatcher.token}` });
    expect(queue.body.items.map((x: CaseDto) => x.id)).toContain(c.id);
    await actOk(h, dispatcher, c.id, 'register');
    await actOk(h, dispatcher, c.id, 'dispatch', { complexity: 'urgent' });
    const inbox = await h.request.get('/api/v1/tasks').set({ Authorization: `Bearer ${inspector.token}` });
    const items = inbox.body.items as CaseDto[];
    expect(items.map((x) => x.id)).toContain(c.id);
    const dues = items.map((x) => new Date(x.deadline!.dueAt).getTime());
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
  });
});
