/**
 * The simulated clients' HTTP: like the mini-program's offline outbox, a request that times out, cannot
 * connect or gets a 5xx (or a 429) is sent again, with the same body and the same Idempotency-Key, with
 * backoff, until it gets an answer or the run's drain deadline passes.
 */
export interface Counters {
  /** HTTP requests sent, retries included. */
  sent: number;
  /** Logical requests that ended in a 2xx. */
  acknowledged: number;
  /** Requests sent again after a timeout, connection error or 5xx. */
  retried: number;
  /** Logical requests that ended without a 2xx (a 4xx, or the deadline passed while retrying). */
  failed: number;
  /** Of `failed`: a 409 for an action sent again after an unanswered attempt (the first one may have applied). */
  ambiguous: number;
  byStatus: Record<string, number>;
  /** A few failure samples for the report. */
  samples: string[];
}

export const newCounters = (): Counters => ({ sent: 0, acknowledged: 0, retried: 0, failed: 0, ambiguous: 0, byStatus: {}, samples: [] });

export interface Answer {
  status: number;
  body: unknown;
  attempts: number;
  /** An earlier attempt got no answer (timeout, connection error or 5xx): it may have been applied. */
  unanswered: boolean;
}

export interface RequestSpec {
  method: string;
  path: string;
  token?: string;
  key?: string;
  json?: unknown;
  form?: { type: string; body: Buffer };
}

export interface Client {
  request(spec: RequestSpec): Promise<Answer>;
  counters: Counters;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRY = (status: number) => status >= 500 || status === 429 || status === 0;

export function client(o: { baseUrl: () => string; timeoutMs: number; deadline: () => number }): Client {
  const counters = newCounters();
  const count = (status: number) => {
    counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
  };
  const sample = (s: string) => {
    if (counters.samples.length < 12) counters.samples.push(s.slice(0, 240));
  };
  async function once(spec: RequestSpec): Promise<{ status: number; body: unknown; retryAfter: number }> {
    const headers: Record<string, string> = {};
    if (spec.token) headers.Authorization = `Bearer ${spec.token}`;
    if (spec.key) headers['Idempotency-Key'] = spec.key;
    let body: string | Buffer | undefined;
    if (spec.form) {
      headers['Content-Type'] = spec.form.type;
      body = spec.form.body;
    } else if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    }
    counters.sent++;
    try {
      const res = await fetch(`${o.baseUrl()}${spec.path}`, { method: spec.method, headers, body, signal: AbortSignal.timeout(o.timeoutMs) });
      const text = await res.text();
      count(res.status);
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: nginx's 502 page, for one */
      }
      return { status: res.status, body: parsed, retryAfter: Number(res.headers.get('retry-after') ?? 0) * 1000 };
    } catch (err) {
      count(0);
      return { status: 0, body: String((err as Error)?.message ?? err), retryAfter: 0 };
    }
  }
  async function request(spec: RequestSpec): Promise<Answer> {
    let attempts = 0;
    let unanswered = false;
    for (;;) {
      attempts++;
      const r = await once(spec);
      if (!RETRY(r.status) || Date.now() > o.deadline()) {
        const ok = r.status >= 200 && r.status < 300;
        if (ok) counters.acknowledged++;
        else {
          counters.failed++;
          if (r.status === 409 && unanswered) counters.ambiguous++;
          sample(`${spec.method} ${spec.path} → ${r.status} after ${attempts} attempt(s): ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`);
        }
        return { status: r.status, body: r.body, attempts, unanswered };
      }
      if (r.status !== 429) unanswered = true;
      counters.retried++;
      const backoff = Math.min(5000, 300 * 2 ** Math.min(attempts - 1, 5));
      await sleep(Math.max(r.retryAfter, backoff * (0.5 + Math.random() / 2)));
    }
  }
  return { request, counters };
}
