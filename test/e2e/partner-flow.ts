// A 12345 ticket end to end (issue 11): the sandbox, playing 12345, sends a signed ticket from its inbox page's
// button; it becomes a case; the case is dispatched and closed (through the API: the browser walk of a case is
// caseLifecycle's); the case page shows it closed, and the sandbox's 12345 shows the callbacks.
import path from 'node:path';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { SandboxAccount } from '@finecity/types';
import type { Driver, Fixture } from './scenario.js';
import { settled } from './h5-driver.js';
import { SAVE_SHOTS } from './save-shots.js';

interface Running {
  url: string;
  sandboxUrl: string;
}

const find = (f: Fixture, openid: string): SandboxAccount => {
  const a = f.accounts.find((x) => x.openid === openid);
  if (!a) throw new Error(`no sandbox account ${openid}`);
  return a;
};

async function login(r: Running, a: SandboxAccount): Promise<string> {
  const res = await fetch(`${r.url}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: a.code }) });
  if (!res.ok) throw new Error(`login ${a.openid}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

async function act(r: Running, token: string, caseId: string, action: string, body: Record<string, unknown> | FormData = {}): Promise<void> {
  const form = body instanceof FormData;
  const res = await fetch(`${r.url}/api/v1/cases/${caseId}/actions/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(form ? {} : { 'content-type': 'application/json' }) },
    body: form ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${action}: ${res.status} ${await res.text()}`);
}

async function shot(page: Page, dir: string, name: string): Promise<void> {
  if (!SAVE_SHOTS) return;
  await settled(page);
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

export async function partnerTicket(
  d: Driver & { raw(url: string, opts?: { wide?: boolean }): Promise<Page> },
  r: Running,
  f: Fixture,
  shotsDir: string,
  log: (s: string) => void = () => {},
): Promise<{ caseNo: string; statuses: string[] }> {
  log('the sandbox sends a 12345 ticket from its inbox page');
  const inbox = await d.raw(`${r.sandboxUrl}/sandbox/inbox`, { wide: true });
  await inbox.locator('#partner-ticket input[name="content"]').fill('市民来电反映：人民路人行道上垃圾堆放两天无人清理');
  await inbox.click('#send-12345');
  // The answer shows beside the button, and (after the page's 5 s refresh) in 12345's list.
  await inbox.getByText(/已立案/).first().waitFor({ timeout: 15_000 });
  const caseNo = /已立案[^D]*(DL\d{8}-\d{6})/.exec(await inbox.evaluate<string>('document.body.innerText'))?.[1];
  if (!caseNo) throw new Error('the sandbox did not show the case number FineCity answered');

  log('the district registers and dispatches it, the inspector handles it, the district closes it');
  const dispatcher = find(f, 'staff-210202-01');
  const inspector = find(f, 'staff-210202001010001A');
  const dt = await login(r, dispatcher);
  const it = await login(r, inspector);
  const found = await fetch(`${r.url}/api/v1/cases?q=${caseNo}`, { headers: { authorization: `Bearer ${dt}` } });
  const caseId = ((await found.json()) as { items: { id: string; caseNo: string }[] }).items.find((c) => c.caseNo === caseNo)?.id;
  if (!caseId) throw new Error(`case ${caseNo} is not on the district's list`);
  await act(r, dt, caseId, 'register');
  await act(r, dt, caseId, 'dispatch', { orgNodeCode: inspector.orgNodeCode });
  await act(r, it, caseId, 'sign');
  const form = new FormData();
  form.append('note', '已清理完毕');
  form.append('photos', new Blob([fs.readFileSync(f.afterPhoto)], { type: 'image/jpeg' }), 'after.jpg');
  await act(r, it, caseId, 'handle', form);
  await act(r, dt, caseId, 'verify', { passed: true });

  log('the case page shows it closed');
  const screen = await d.as(dispatcher, { wide: true });
  await screen.open(`/packages/staff/pages/task/index?id=${caseId}`);
  await screen.waitText(caseNo);
  await screen.waitText('已办结');
  await screen.shot('partner-case-closed');

  log('the sandbox\'s 12345 shows the callbacks');
  const want = ['已受理', '已派遣', '已办结', '已结案'];
  for (let i = 0; ; i++) {
    await inbox.reload();
    const text = await inbox.evaluate<string>('document.body.innerText');
    if (want.every((w) => text.includes(`${caseNo}）${w}`))) break;
    if (i >= 20) {
      const seen = await (await fetch(`${r.url}/api/v1/sandbox/messages?channel=12345`)).text();
      throw new Error(`the sandbox's 12345 did not receive every callback of ${caseNo}: ${seen.slice(0, 1500)}`);
    }
    await new Promise((res) => setTimeout(res, 500));
  }
  await shot(inbox, shotsDir, 'sandbox-12345-callbacks-1440');
  const api = await fetch(`${r.url}/api/v1/sandbox/messages?channel=12345`);
  const messages = ((await api.json()) as { messages: { direction?: string; accepted: boolean; payload?: { caseNo?: string; status?: string } }[] }).messages;
  const statuses = messages.filter((m) => m.direction === 'callback' && m.accepted && m.payload?.caseNo === caseNo).map((m) => m.payload!.status!);
  return { caseNo, statuses };
}
