import type { CaseAction, CaseDto, Role, SandboxAccount } from '@finecity/types';
import type { Harness } from './harness.js';
import { smallJpeg } from './fixtures.js';

/** Small verbs for API scenarios, so tests read like the workflow they exercise. */
export interface Session {
  token: string;
  account: SandboxAccount;
}

export function pick(h: Harness, role: Role, where: (a: SandboxAccount) => boolean = () => true): SandboxAccount {
  const a = h.accounts.find((x) => x.role === role && where(x));
  if (!a) throw new Error(`no sandbox account for ${role}`);
  return a;
}

export async function as(h: Harness, account: SandboxAccount): Promise<Session> {
  const { token } = await h.login(account.code);
  return { token, account };
}

export const auth = (s: Session) => ({ Authorization: `Bearer ${s.token}` });

export interface ReportOpts {
  lat: number;
  lng: number;
  categoryCode?: string;
  description?: string;
  photos?: Buffer[];
  key?: string;
  anonymous?: boolean;
}

export async function report(h: Harness, s: Session, o: ReportOpts) {
  let req = h.request
    .post('/api/v1/reports')
    .set(auth(s))
    .field('categoryCode', o.categoryCode ?? '06010')
    .field('description', o.description ?? '路边有暴露垃圾')
    .field('lat', String(o.lat))
    .field('lng', String(o.lng))
    .field('anonymous', o.anonymous ? 'true' : 'false');
  if (o.key) req = req.set('Idempotency-Key', o.key);
  const photos = o.photos ?? [await smallJpeg()];
  photos.forEach((p, i) => {
    req = req.attach('photos', p, { filename: `p${i}.jpg`, contentType: 'image/jpeg' });
  });
  return req;
}

export async function reportOk(h: Harness, s: Session, o: ReportOpts): Promise<CaseDto> {
  const res = await report(h, s, o);
  if (res.status !== 201) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.case as CaseDto;
}

export function act(h: Harness, s: Session, caseId: string, action: CaseAction, body: Record<string, unknown> = {}) {
  return h.request.post(`/api/v1/cases/${caseId}/actions/${action}`).set(auth(s)).send(body);
}

export async function actOk(h: Harness, s: Session, caseId: string, action: CaseAction, body: Record<string, unknown> = {}): Promise<CaseDto> {
  const res = await act(h, s, caseId, action, body);
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.case as CaseDto;
}

export async function handleOk(h: Harness, s: Session, caseId: string, note = '已清理完毕'): Promise<CaseDto> {
  const res = await h.request
    .post(`/api/v1/cases/${caseId}/actions/handle`)
    .set(auth(s))
    .field('note', note)
    .attach('photos', await smallJpeg({ color: '#22aa44' }), { filename: 'after.jpg', contentType: 'image/jpeg' });
  if (res.status !== 200) throw new Error(`handle failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.case as CaseDto;
}

export async function getCase(h: Harness, s: Session, id: string) {
  return h.request.get(`/api/v1/cases/${id}`).set(auth(s));
}

/** Counts rows and stored photo files: bad input must leave all of them unchanged. */
export interface Footprint {
  cases: number;
  events: number;
  photos: number;
  outbox: number;
  keys: number;
  files: number;
}

export async function footprint(h: Harness): Promise<Footprint> {
  const fs = await import('node:fs');
  const { sql } = await import('drizzle-orm');
  const count = async (table: string) => {
    const r = await h.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
    const rows = (r as unknown as { rows: { n: number }[] }).rows;
    return rows[0]!.n;
  };
  const files = fs.readdirSync(h.photoDir, { recursive: true }).filter((f) => String(f).match(/\.(jpg|webp)$/)).length;
  return {
    cases: await count('cases'),
    events: await count('case_events'),
    photos: await count('case_photos'),
    outbox: await count('outbox'),
    keys: await count('idempotency_keys'),
    files,
  };
}

/** The seeded city admin and the district admin, with the district admin's district. */
export async function admins(h: Harness): Promise<{ cityAdmin: Session; districtAdmin: Session; districtCode: string }> {
  const city = h.deps.org.all().find((n) => n.level === 'city')!.code;
  const cityAdmin = await as(h, pick(h, 'admin', (a) => a.orgNodeCode === city));
  const dAdmin = pick(h, 'admin', (a) => a.orgNodeCode !== city);
  return { cityAdmin, districtAdmin: await as(h, dAdmin), districtCode: dAdmin.orgNodeCode! };
}
