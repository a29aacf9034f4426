// Cases for the accessibility audit, made through the HTTP API the way the apps make them, so every page
// has something to show: a case in each state a page treats differently.
import sharp from 'sharp';
import type { CaseDto, SandboxAccount } from '@finecity/types';

export interface AuditCases {
  /** Reported by the resident, waiting at the district platform (merge candidate of `near`). */
  submitted: CaseDto;
  /** Registered, not yet dispatched: the dispatcher's task page shows the dispatch picker. */
  registered: CaseDto;
  /** Signed by the grid's inspector: check-in, after-photos, extension, return, escalate. */
  inProgress: CaseDto;
  /** Closed with before and after photos: the resident may rate or reopen it. */
  closed: CaseDto;
}

export const RESIDENT = 'resident-01';
export const INSPECTOR = 'staff-210202001010001A';
export const DISPATCHER = 'staff-210202-01';
export const LEADER = 'staff-210202-LD';

export async function seedCases(baseUrl: string, accounts: SandboxAccount[]): Promise<AuditCases> {
  const account = (openid: string) => {
    const a = accounts.find((x) => x.openid === openid);
    if (!a) throw new Error(`no sandbox account ${openid}`);
    return a;
  };
  const call = async (path: string, init: RequestInit, want = 200) => {
    const res = await fetch(`${baseUrl}${path}`, init);
    const body = (await res.json()) as { case?: CaseDto; token?: string };
    if (res.status !== want) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const login = async (openid: string) =>
    (await call('/api/v1/auth/wechat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: account(openid).code }) })).token!;
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a7f6e' } }).jpeg().toBuffer();
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    f.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
    return f;
  };

  const resident = await login(RESIDENT);
  const dispatcher = await login(DISPATCHER);
  const inspector = await login(INSPECTOR);
  const { lat, lng } = account(INSPECTOR);
  let n = 0;
  const report = async (description: string) => {
    n += 1;
    const fields = { categoryCode: '06010', description, lat: String(lat), lng: String(lng! + n * 0.0004), anonymous: 'false' };
    return (await call('/api/v1/reports', { method: 'POST', headers: { authorization: `Bearer ${resident}` }, body: form(fields) }, 201)).case!;
  };
  const act = async (token: string, id: string, action: string, body: object = {}) =>
    (await call(`/api/v1/cases/${id}/actions/${action}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).case!;

  const closed = await report('路边垃圾桶满溢，周边散落垃圾');
  await act(dispatcher, closed.id, 'register');
  await act(dispatcher, closed.id, 'dispatch', { complexity: 'simple' });
  await act(inspector, closed.id, 'sign');
  await call(`/api/v1/cases/${closed.id}/actions/handle`, { method: 'POST', headers: { authorization: `Bearer ${inspector}` }, body: form({ note: '已清理完毕' }) });
  await act(dispatcher, closed.id, 'verify', { passed: true });

  const inProgress = await report('人行道上有一堆暴露垃圾，影响通行');
  await act(dispatcher, inProgress.id, 'register');
  await act(dispatcher, inProgress.id, 'dispatch', { complexity: 'simple' });
  await act(inspector, inProgress.id, 'sign');

  const registered = await report('绿化带里堆放建筑垃圾');
  await act(dispatcher, registered.id, 'register');
  const submitted = await report('小区门口有暴露垃圾');

  const fresh = async (c: CaseDto) => (await call(`/api/v1/cases/${c.id}`, { headers: { authorization: `Bearer ${resident}` } })).case!;
  return { submitted: await fresh(submitted), registered: await fresh(registered), inProgress: await fresh(inProgress), closed: await fresh(closed) };
}
