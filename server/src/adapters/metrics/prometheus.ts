import client from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { OPEN_STATES } from '@finecity/types';
import type { Database } from '../postgres/database.js';
import type { Queues } from '../queue/queues.js';
import type { CheckResult, Metrics, Readiness } from '../../usecases/metrics-ports.js';

/**
 * The metric names this process exports (deploy/prometheus/alerts.yml may name only these and prom-client's
 * default metrics; a test holds the two together).
 */
export const METRIC_NAMES = {
  httpDuration: 'finecity_http_request_duration_seconds',
  outboxLag: 'finecity_outbox_lag_seconds',
  outboxUnpublished: 'finecity_outbox_unpublished',
  queueJobs: 'finecity_queue_jobs',
  notificationAttempts: 'finecity_notification_attempts_total',
  slaOpenCases: 'finecity_sla_open_cases',
  dbPool: 'finecity_db_pool_connections',
  sweepLast: 'finecity_overdue_sweep_last_run_timestamp_seconds',
  collectErrors: 'finecity_metrics_collect_errors_total',
} as const;

export interface MetricsSources {
  database: Database;
  /** The BullMQ queues and the producer connection; null when this process has no notifier (some tests). */
  queues: () => Queues | null;
  redis: () => Redis | null;
  /** The queue prefix: the last sweep's time is kept under `<prefix>:metrics:last-sweep`, so any API process sees a worker's sweep. */
  prefix: string;
  /** The app's clock (outbox rows and deadlines are written with it). */
  now: () => Date;
  /** How long a scrape reuses the gauges read by the previous one. */
  cacheMs?: number;
}

interface Snapshot {
  outbox: { lagSeconds: number; unpublished: number };
  colours: Record<string, number>;
  queues: { queue: string; state: string; n: number }[] | null;
  sweepAt: number | null;
}

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
const COLOURS = ['green', 'yellow', 'red', 'overdue'] as const;
/** The states whose clock runs (open, not suspended): the SLA colours' population, as the case lists judge it. */
const RUNNING = OPEN_STATES.filter((s) => s !== 'suspended');

const rowsOf = <T>(res: unknown): T[] => (res as { rows: T[] }).rows;

/** Resolves within `ms`, else rejects: a scrape or a readiness probe never hangs on a dead dependency. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * prom-client on its own registry (each app in a test process gets its own). HTTP latency is observed per
 * request; everything that needs a query (outbox lag, queue depths, notification outcomes, SLA colours, the
 * last sweep) is read when Prometheus scrapes, at most once per `cacheMs` (default 5 s), never per request.
 */
export function prometheusMetrics(src: MetricsSources): Metrics & { registry: client.Registry } {
  const registry = new client.Registry();
  // Process metrics, among them the event-loop lag (nodejs_eventloop_lag_seconds and its percentiles).
  client.collectDefaultMetrics({ register: registry });
  const reg = [registry];
  const http = new client.Histogram({
    name: METRIC_NAMES.httpDuration, help: 'HTTP request latency by route template, method and status', labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: reg,
  });
  const outboxLag = new client.Gauge({ name: METRIC_NAMES.outboxLag, help: 'Age in seconds of the oldest unpublished outbox row (0 when none)', registers: reg });
  const outboxUnpublished = new client.Gauge({ name: METRIC_NAMES.outboxUnpublished, help: 'Outbox rows not yet published', registers: reg });
  const queueJobs = new client.Gauge({ name: METRIC_NAMES.queueJobs, help: 'BullMQ jobs per queue and state (failed: kept failed jobs, 7 days)', labelNames: ['queue', 'state'] as const, registers: reg });
  const attempts = new client.Counter({
    name: METRIC_NAMES.notificationAttempts, help: 'Notification delivery attempts by channel, outcome and provider error code (WeChat errcode)',
    labelNames: ['channel', 'outcome', 'errcode'] as const, registers: reg,
  });
  const sla = new client.Gauge({ name: METRIC_NAMES.slaOpenCases, help: 'Cases with a running clock by SLA colour', labelNames: ['colour'] as const, registers: reg });
  const pool = new client.Gauge({ name: METRIC_NAMES.dbPool, help: 'Database pool connections (node-postgres total/idle/waiting; PGlite: one session, 1/0/0)', labelNames: ['state'] as const, registers: reg });
  const sweepLast = new client.Gauge({ name: METRIC_NAMES.sweepLast, help: 'Unix time of the last finished overdue sweep (any process on this Redis prefix)', registers: reg });
  const collectErrors = new client.Counter({ name: METRIC_NAMES.collectErrors, help: 'Scrape-time reads that failed, by source', labelNames: ['source'] as const, registers: reg });

  const db = src.database.db;
  const cacheMs = src.cacheMs ?? 5000;
  const sweepKey = `${src.prefix}:metrics:last-sweep`;
  let localSweep: number | null = null;
  let cached: { at: number; value: Promise<Snapshot> } | null = null;
  // notification_attempts only grows: each scrape counts the rows after the last id it saw (primary-key range),
  // so the counter's first scrape reads the table once and later ones only the new rows.
  let lastAttemptId = 0;
  let attemptsRead: Promise<void> = Promise.resolve();

  const failed = (source: string) => (err: unknown) => {
    collectErrors.inc({ source });
    void err;
    return null;
  };

  async function readAttempts(): Promise<void> {
    const res = rowsOf<{ channel: string; outcome: string; errcode: string | null; n: string | number; last: string | number }>(
      await db.execute(sql`
        select channel, outcome, errcode, count(*) as n, max(id) as last from notification_attempts
        where id > ${lastAttemptId} group by channel, outcome, errcode`),
    );
    for (const r of res) {
      attempts.inc({ channel: r.channel, outcome: r.outcome, errcode: r.errcode ?? '' }, Number(r.n));
      lastAttemptId = Math.max(lastAttemptId, Number(r.last));
    }
  }

  async function read(): Promise<Snapshot> {
    const now = src.now();
    const outboxQ = db.execute(sql`select min(created_at) as oldest, count(*) as n from outbox where published_at is null`).then((r) => {
      const row = rowsOf<{ oldest: string | Date | null; n: string | number }>(r)[0];
      const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
      return { lagSeconds: oldest === null ? 0 : Math.max(0, (now.getTime() - oldest) / 1000), unpublished: Number(row?.n ?? 0) };
    });
    // The colour as the clock's timers and the sweep last set it (cases.clock_alert), and overdue straight from
    // the due time, so a lost timer cannot hide an overdue case here. One pass over the open cases' due index.
    const states = sql.join(RUNNING.map((s) => sql`${s}`), sql`, `);
    const slaQ = db.execute(sql`
      select case when due_at <= ${now.toISOString()}::timestamptz then 'overdue'
                  when clock_alert in ('yellow', 'red') then clock_alert else 'green' end as colour, count(*) as n
      from cases where state in (${states}) and due_at is not null and clock_started_at is not null group by 1`).then((r) =>
      Object.fromEntries(rowsOf<{ colour: string; n: string | number }>(r).map((x) => [x.colour, Number(x.n)])),
    );
    const queues = src.queues();
    const queueQ = queues
      ? within(
          Promise.all(
            (['notifications', 'deadlines', 'schedules'] as const).map(async (name) => {
              const counts = await queues[name].getJobCounts(...QUEUE_STATES);
              return QUEUE_STATES.map((state) => ({ queue: name, state, n: counts[state] ?? 0 }));
            }),
          ).then((x) => x.flat()),
          2000,
        )
      : Promise.resolve(null);
    const redis = src.redis();
    const sweepQ = redis ? within(redis.get(sweepKey), 1000).then((v) => (v ? Number(v) : null)) : Promise.resolve(null);
    const [outbox, colours, q, sweep] = await Promise.all([
      outboxQ.catch(failed('outbox')),
      slaQ.catch(failed('sla')),
      queueQ.catch(failed('queues')),
      sweepQ.catch(failed('sweep')),
      (attemptsRead = attemptsRead.then(readAttempts).catch((err: unknown) => void failed('notifications')(err))),
    ]);
    const sweeps = [sweep, localSweep].filter((x): x is number => x !== null);
    return {
      outbox: outbox ?? { lagSeconds: NaN, unpublished: NaN },
      colours: colours ?? {},
      queues: q,
      sweepAt: sweeps.length ? Math.max(...sweeps) : null,
    };
  }

  function poolFigures(): { total: number; idle: number; waiting: number } {
    if (src.database.kind === 'pglite') return { total: 1, idle: 0, waiting: 0 };
    const p = (db as unknown as { $client?: { totalCount?: number; idleCount?: number; waitingCount?: number } }).$client;
    return { total: p?.totalCount ?? 0, idle: p?.idleCount ?? 0, waiting: p?.waitingCount ?? 0 };
  }

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      http.observe({ route, method, status: String(status) }, seconds);
    },
    sweepRan(at) {
      localSweep = at.getTime() / 1000;
      // Best effort: the API process that serves /metrics may not be the worker that swept.
      void src.redis()?.set(sweepKey, String(localSweep), 'EX', 7 * 24 * 3600).catch(() => undefined);
    },
    async scrape() {
      const t = Date.now();
      if (!cached || t - cached.at >= cacheMs) cached = { at: t, value: read() };
      const s = await cached.value;
      outboxLag.set(s.outbox.lagSeconds);
      outboxUnpublished.set(s.outbox.unpublished);
      for (const c of COLOURS) sla.set({ colour: c }, s.colours[c] ?? 0);
      if (s.queues) for (const x of s.queues) queueJobs.set({ queue: x.queue, state: x.state }, x.n);
      if (s.sweepAt !== null) sweepLast.set(s.sweepAt);
      const p = poolFigures();
      pool.set({ state: 'total' }, p.total);
      pool.set({ state: 'idle' }, p.idle);
      pool.set({ state: 'waiting' }, p.waiting);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** select 1 on the database and PING on Redis, each within `timeoutMs`. */
export function readinessChecks(o: { database: Database; redis: () => Redis | null; timeoutMs?: number }): Readiness {
  const ms = o.timeoutMs ?? 2000;
  return {
    async check() {
      const database: CheckResult = await within(o.database.db.execute(sql`select 1`), ms).then(() => 'ok' as const, () => 'failed' as const);
      const r = o.redis();
      const redis: CheckResult = r ? await within(r.ping(), ms).then((x) => (x === 'PONG' ? ('ok' as const) : ('failed' as const)), () => 'failed' as const) : 'not_configured';
      return { database, redis };
    },
  };
}
