import crypto from 'node:crypto';
import sharp from 'sharp';
import type { SandboxAccount } from '@finecity/types';
import { FAST_CATEGORY, NORMAL_CATEGORY } from './chaos-config.js';
import { client, type Answer, type Client } from './client.js';
import type { Rng } from './rng.js';

/**
 * The chaos load: residents report at a steady rate (multipart, one small JPEG, as the mini-program sends
 * them), and staff clients walk each acknowledged case through register → dispatch → sign → handle (with a
 * photo) → verify. A share of the reports use the minute-clock category and stop after dispatch, so they go
 * overdue during the run. Everything the server acknowledged is written down for the invariants.
 */
export interface ReportEntry {
  n: number;
  key: string;
  marker: string;
  category: string;
  resident: string;
  /** 201 received: the case the server acknowledged. */
  caseId?: string;
  status?: number;
  attempts?: number;
}

export interface Transition {
  caseId: string;
  action: string;
  /** The case's version in the 200 answer. */
  version: number;
  at: number;
}

export interface Ledger {
  runId: string;
  reports: ReportEntry[];
  transitions: Transition[];
  /** Cases whose walk stopped early, by the step and status that stopped it. */
  stopped: Record<string, number>;
  closed: number;
  /** Reports made but still waiting in a resident's outbox when the load stopped (never sent). */
  notSent: number;
}

interface Grid {
  code: string;
  lat: number;
  lng: number;
  dispatcher: string;
  inspectors: string[];
  signer?: string;
}

export interface LoadOptions {
  baseUrl: () => string;
  rate: number;
  fastEvery: number;
  staffConcurrency: number;
  residents: number;
  rng: Rng;
  log: (line: string) => void;
}

export interface Load {
  ledger: Ledger;
  reporter: Client;
  staff: Client;
  /** Stops new reports; the walks and retries finish by `drainMs` from now. */
  stop(drainMs: number): Promise<void>;
}

const STEPS = ['register', 'dispatch', 'sign', 'handle', 'verify'] as const;

export async function startLoad(o: LoadOptions): Promise<Load> {
  let deadline = Number.POSITIVE_INFINITY;
  const mk = (timeoutMs: number) => client({ baseUrl: o.baseUrl, timeoutMs, deadline: () => deadline });
  const reporter = mk(15_000);
  const staff = mk(15_000);
  const runId = crypto.randomBytes(3).toString('hex');
  const ledger: Ledger = { runId, reports: [], transitions: [], stopped: {}, closed: 0, notSent: 0 };
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a7f5c' } }).jpeg({ quality: 70 }).toBuffer();
  const after = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#22aa44' } }).jpeg({ quality: 70 }).toBuffer();

  const accounts = ((await (await fetch(`${o.baseUrl()}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  const login = async (code: string): Promise<string> => {
    const r = await staff.request({ method: 'POST', path: '/api/v1/auth/wechat', json: { code } });
    if (r.status !== 200) throw new Error(`login ${code}: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body as { token: string }).token;
  };
  const tokens = new Map<string, string>();
  const token = async (code: string) => tokens.get(code) ?? (tokens.set(code, await login(code)), tokens.get(code)!);
  const grids = await gridsOf(accounts, token);
  const residents: { code: string; token: string }[] = [];
  for (let i = 0; i < o.residents; i++) {
    const code = `sandbox:chaos${runId}r${i}`;
    const t = await token(code);
    // A long-term subscription (长期订阅): every progress message may go out as a subscribe message.
    const s = await staff.request({ method: 'POST', path: '/api/v1/subscriptions', token: t, json: { results: { 'sbx-lt-case-progress': 'accept' } } });
    if (s.status !== 200) throw new Error(`subscribe ${code}: ${s.status} ${JSON.stringify(s.body)}`);
    residents.push({ code, token: t });
  }
  o.log(`load: ${grids.length} grids, ${residents.length} residents, ${o.rate} reports/s, every ${o.fastEvery}th on the minute clock`);

  // --- staff walks --------------------------------------------------------------------------------
  const fastQueue: { caseId: string; grid: Grid; fast: boolean }[] = [];
  const queue: { caseId: string; grid: Grid; fast: boolean }[] = [];
  let stopping = false;
  const act = (code: string, caseId: string, action: string, body: Record<string, unknown> | null, key: string): Promise<Answer> =>
    token(code).then((t) =>
      body === null
        ? staff.request({ method: 'POST', path: `/api/v1/cases/${caseId}/actions/${action}`, token: t, key, form: multipart([['note', '已清理完毕']], after) })
        : staff.request({ method: 'POST', path: `/api/v1/cases/${caseId}/actions/${action}`, token: t, key, json: body }),
    );
  const walk = async (job: { caseId: string; grid: Grid; fast: boolean }) => {
    const g = job.grid;
    for (const step of STEPS) {
      if (job.fast && step === 'sign') return;
      let who = step === 'sign' || step === 'handle' ? (g.signer ?? g.inspectors[0]!) : g.dispatcher;
      const body = step === 'dispatch' ? { complexity: 'simple' } : step === 'verify' ? { passed: true } : step === 'handle' ? null : {};
      const key = `chaos-${runId}-${job.caseId.slice(0, 8)}-${step}`;
      let r = await act(who, job.caseId, step, body, key);
      if (step === 'sign' && (r.status === 403 || r.status === 409) && !r.unanswered && g.inspectors.length > 1) {
        // The other inspector holds the duty at this hour (the A/B rota).
        who = g.inspectors.find((c) => c !== who)!;
        r = await act(who, job.caseId, step, body, key);
        if (r.status === 200) g.signer = who;
      }
      if (r.status === 200) {
        const c = (r.body as { case: { version: number } }).case;
        ledger.transitions.push({ caseId: job.caseId, action: step, version: c.version, at: Date.now() });
        if (step === 'verify') ledger.closed++;
        continue;
      }
      const why = `${step} ${r.status}${r.unanswered ? ' (after an unanswered attempt)' : ''}`;
      ledger.stopped[why] = (ledger.stopped[why] ?? 0) + 1;
      return;
    }
  };
  const workers = Array.from({ length: o.staffConcurrency }, async () => {
    for (;;) {
      const job = fastQueue.shift() ?? queue.shift();
      if (job) await walk(job);
      else if (stopping) return;
      else await new Promise((r) => setTimeout(r, 100));
    }
  });

  // --- reports ------------------------------------------------------------------------------------
  // Each resident's phone has an outbox sent one report at a time, oldest first (the mini-program's offline
  // outbox): reports made while it is busy or offline wait in it, so a slow server sees at most one
  // request per resident, never a storm of parallel retries.
  let n = 0;
  const outboxes: number[][] = residents.map(() => []);
  const sendReport = async (i: number) => {
    const fast = i % o.fastEvery === 0;
    const g = grids[i % grids.length]!;
    const res = residents[i % residents.length]!;
    const key = `chaos-${runId}-${String(i).padStart(7, '0')}`;
    const entry: ReportEntry = { n: i, key, marker: `混沌${runId}-${i}号`, category: fast ? FAST_CATEGORY : NORMAL_CATEGORY, resident: res.code };
    ledger.reports.push(entry);
    // Within ±130 m of the grid's centre (the demo grids are 393 m squares), so duplicates stay few.
    const lat = g.lat + (o.rng() - 0.5) * 0.0024;
    const lng = g.lng + (o.rng() - 0.5) * 0.0024;
    const form = multipart(
      [['categoryCode', entry.category], ['lat', lat.toFixed(6)], ['lng', lng.toFixed(6)], ['anonymous', 'false'], ['description', `路边有垃圾（${entry.marker}）`]],
      jpeg,
    );
    const r = await reporter.request({ method: 'POST', path: '/api/v1/reports', token: res.token, key, form });
    entry.status = r.status;
    entry.attempts = r.attempts;
    if (r.status === 201) {
      entry.caseId = (r.body as { case: { id: string } }).case.id;
      (fast ? fastQueue : queue).push({ caseId: entry.caseId, grid: g, fast });
    }
  };
  let stopReports = false;
  const senders = outboxes.map(async (box) => {
    for (;;) {
      const i = box.shift();
      if (i !== undefined) await sendReport(i).catch((e) => o.log(`report error: ${String(e)}`));
      else if (stopReports) return;
      else await new Promise((r) => setTimeout(r, 20));
    }
  });
  const period = 1000 / o.rate;
  const ticker = (async () => {
    let next = Date.now();
    while (!stopReports) {
      next += period;
      const wait = next - Date.now();
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
      if (stopReports) break;
      // Behind by more than a second (the event loop was busy): keep the rate, do not burst to catch up.
      if (wait < -1000) next = Date.now();
      const i = ++n;
      outboxes[i % residents.length]!.push(i);
    }
  })();

  return {
    ledger,
    reporter,
    staff,
    async stop(drainMs: number) {
      stopReports = true;
      await ticker;
      deadline = Date.now() + drainMs;
      // Reports still waiting in an outbox were never sent: the run ends with them on the phones.
      for (const box of outboxes) ledger.notSent += box.splice(0).length;
      await Promise.all(senders);
      // Walks still queued when the drain ends are left where they are (the invariants do not need them).
      setTimeout(() => {
        queue.length = 0;
        fastQueue.length = 0;
      }, drainMs).unref();
      stopping = true;
      await Promise.all(workers);
    },
  };
}

async function gridsOf(accounts: SandboxAccount[], token: (code: string) => Promise<string>): Promise<Grid[]> {
  const byGrid = new Map<string, Grid>();
  for (const a of accounts) {
    if (a.role !== 'inspector' || !a.orgNodeCode || a.lat === undefined || a.lng === undefined) continue;
    const dispatcher = accounts.find((d) => d.role === 'district' && d.orgNodeCode === a.orgNodeCode!.slice(0, 6));
    if (!dispatcher) continue;
    const g = byGrid.get(a.orgNodeCode) ?? { code: a.orgNodeCode, lat: a.lat, lng: a.lng, dispatcher: dispatcher.code, inspectors: [] };
    g.inspectors.push(a.code);
    byGrid.set(a.orgNodeCode, g);
  }
  const grids = [...byGrid.values()];
  if (!grids.length) throw new Error('the sandbox lists no inspector with a grid and a district dispatcher');
  for (const g of grids) {
    await token(g.dispatcher);
    for (const i of g.inspectors) await token(i);
  }
  return grids;
}

/** A multipart body: text fields, then one JPEG under "photos" (what Taro.uploadFile sends). */
export function multipart(fields: [string, string][], jpeg: Buffer): { type: string; body: Buffer } {
  const boundary = `----finecity-chaos-${crypto.randomBytes(8).toString('hex')}`;
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('');
  const body = Buffer.concat([
    Buffer.from(`${parts}--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`, 'utf8'),
    jpeg,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);
  return { type: `multipart/form-data; boundary=${boundary}`, body };
}
