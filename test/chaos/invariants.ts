import fs from 'node:fs';
import path from 'node:path';
import type { CaseAction, CaseState } from '@finecity/types';
import { TRANSITIONS } from '../../server/src/domain/case-machine.js';
import { FAST_CATEGORY } from './chaos-config.js';
import type { Sql } from './db.js';
import type { FaultRecord } from './faults.js';
import type { Ledger } from './load.js';
import type { RecordedMessage } from './sandbox-record.js';
import { diskPhotoStore } from '../../server/src/adapters/storage/photo-store.js';
import { removeOrphanPhotos } from '../../server/src/usecases/photo-orphans.js';

/** One invariant as printed: what it says, its figure, and whether it held. */
export interface Verdict {
  name: string;
  figure: string;
  ok: boolean;
  /** A few offending ids or values, for the report. */
  examples?: string[];
}

export interface CheckInput {
  sql: Sql;
  ledger: Ledger;
  messages: RecordedMessage[];
  photoDir: string;
  faults: FaultRecord[];
  /** When the checks run (ms): rows younger than a grace before it are still allowed to be in flight. */
  now: number;
  /**
   * When the sandbox record's final read began (ms). The workers may still be delivering while the checks
   * run (the PostgreSQL topology keeps running): a row marked sent after this moment may have a message the
   * record never read, so it is counted apart, neither missing nor duplicated.
   */
  recordClosedAt: number;
  /** When Redis lost its data (ms), if it did in this run. */
  redisWipedAt: number | null;
  readyCapMs: number;
}

const ex = (list: string[]) => (list.length ? list.slice(0, 5) : undefined);

export async function checkAll(i: CheckInput): Promise<Verdict[]> {
  const ours = await ourCases(i);
  return [
    reportsOnce(i, ours),
    await keysOneCase(i, ours),
    ...(await eventLog(i, ours)),
    await outboxPublished(i),
    await notificationsDelivered(i),
    await overdueFlagged(i),
    ...(await photos(i)),
    readiness(i),
  ];
}

interface OurCase {
  id: string;
  n: number;
  state: string;
}

async function ourCases(i: CheckInput): Promise<Map<number, OurCase[]>> {
  const rows = await i.sql.query<{ id: string; description: string; state: string }>(
    `select id, description, state from cases where description like $1`,
    [`%混沌${i.ledger.runId}-%`],
  );
  const byN = new Map<number, OurCase[]>();
  for (const r of rows) {
    const m = new RegExp(`混沌${i.ledger.runId}-(\\d+)号`).exec(r.description);
    if (!m) continue;
    const n = Number(m[1]);
    byN.set(n, [...(byN.get(n) ?? []), { id: r.id, n, state: r.state }]);
  }
  return byN;
}

function reportsOnce(i: CheckInput, ours: Map<number, OurCase[]>): Verdict {
  const acked = i.ledger.reports.filter((r) => r.caseId);
  const bad = acked.filter((r) => (ours.get(r.n) ?? []).length !== 1 || ours.get(r.n)![0]!.id !== r.caseId).map((r) => `${r.key}: ${ours.get(r.n)?.length ?? 0} cases`);
  const unacked = i.ledger.reports.filter((r) => !r.caseId);
  const dupUnacked = unacked.filter((r) => (ours.get(r.n) ?? []).length > 1).map((r) => `${r.key} (unacknowledged): ${ours.get(r.n)!.length} cases`);
  const madeUnacked = unacked.filter((r) => (ours.get(r.n) ?? []).length === 1).length;
  return {
    name: 'every report acknowledged with 201 exists exactly once',
    figure: `${acked.length - bad.length}/${acked.length} once; unacknowledged ${unacked.length} (${madeUnacked} made anyway, once each; ${dupUnacked.length} twice)`,
    ok: bad.length === 0 && dupUnacked.length === 0,
    examples: ex([...bad, ...dupUnacked]),
  };
}

async function keysOneCase(i: CheckInput, ours: Map<number, OurCase[]>): Promise<Verdict> {
  const rows = await i.sql.query<{ key: string; case_id: string }>(`select key, case_id from idempotency_keys where key like $1`, [`chaos-${i.ledger.runId}-%`]);
  const byKey = new Map<string, string[]>();
  for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.case_id]);
  const bad: string[] = [];
  for (const r of i.ledger.reports) {
    const cases = ours.get(r.n) ?? [];
    const keyed = byKey.get(r.key) ?? [];
    // A key names at most one case, and a case of ours has its key (made in the report's one statement).
    if (keyed.length > 1 || cases.length !== keyed.length || (keyed[0] && keyed[0] !== cases[0]!.id)) bad.push(`${r.key}: key→${keyed.join(',') || '-'} cases ${cases.map((c) => c.id).join(',') || '-'}`);
  }
  return { name: 'every idempotency key maps to one case', figure: `${byKey.size} keys, ${bad.length} mismatched`, ok: bad.length === 0, examples: ex(bad) };
}

interface EventRow {
  case_id: string;
  seq: number;
  action: string;
  from_state: string | null;
  to_state: string;
}

const STATES: readonly string[] = ['submitted', 'registered', 'rejected', 'merged', 'dispatched', 'in_progress', 'handled', 'closed', 'suspended'];

async function eventLog(i: CheckInput, ours: Map<number, OurCase[]>): Promise<Verdict[]> {
  const cases = [...ours.values()].flat();
  const events = await i.sql.query<EventRow>(
    `select case_id, seq, action, from_state, to_state from case_events where case_id = any($1::uuid[]) order by case_id, seq`,
    [cases.map((c) => c.id)],
  );
  const byCase = new Map<string, EventRow[]>();
  for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);
  // Acknowledged transitions, per case, in the order the answers came.
  const acked = new Map<string, string[]>();
  for (const t of i.ledger.transitions) acked.set(t.caseId, [...(acked.get(t.caseId) ?? []), t.action]);
  const missing: string[] = [];
  for (const [caseId, actions] of acked) {
    const log = (byCase.get(caseId) ?? []).map((e) => e.action);
    let at = 0;
    for (const a of actions) {
      const found = log.indexOf(a, at);
      if (found < 0) {
        missing.push(`${caseId}: ${a} (log: ${log.join(' → ')})`);
        break;
      }
      at = found + 1;
    }
  }
  const forbidden: string[] = [];
  const all = await i.sql.query<{ id: string; state: string }>(`select id, state from cases`);
  for (const c of all) if (!STATES.includes(c.state)) forbidden.push(`${c.id}: state ${c.state}`);
  for (const c of cases) forbidden.push(...walk(c, byCase.get(c.id) ?? []));
  const actions = [...new Set(events.map((e) => e.action))].sort().join(', ');
  return [
    { name: 'every acknowledged transition is in the event log, in order', figure: `${i.ledger.transitions.length - missing.length}/${i.ledger.transitions.length}`, ok: missing.length === 0, examples: ex(missing) },
    {
      name: 'no case in a state the machine forbids',
      figure: `${all.length} cases (${cases.length} of this run, ${events.length} events replayed: ${actions}); ${forbidden.length} forbidden`,
      ok: forbidden.length === 0,
      examples: ex(forbidden),
    },
  ];
}

/** Replays a case's events against the transition table: contiguous seq, each step allowed, ending in the case's state. */
function walk(c: OurCase, events: EventRow[]): string[] {
  let state: string | null = null;
  for (const [k, e] of events.entries()) {
    if (e.seq !== k + 1) return [`${c.id}: event seq ${e.seq} at position ${k + 1}`];
    const rule = TRANSITIONS[e.action as CaseAction] as { from: readonly CaseState[]; to: readonly CaseState[] } | undefined;
    if (e.action === 'submit') {
      if (k !== 0 || e.to_state !== 'submitted') return [`${c.id}: submit at seq ${e.seq} to ${e.to_state}`];
    } else if (rule) {
      if (e.from_state !== state || !rule.from.includes(state as CaseState) || !rule.to.includes(e.to_state as CaseState)) {
        return [`${c.id}: ${e.action} ${e.from_state}→${e.to_state} at seq ${e.seq} (was ${state})`];
      }
    } else if (e.to_state !== state) {
      return [`${c.id}: ${e.action} (not a transition) moved ${state}→${e.to_state}`];
    }
    state = e.to_state;
  }
  return state === c.state ? [] : [`${c.id}: events end in ${state}, case is ${c.state}`];
}

async function outboxPublished(i: CheckInput): Promise<Verdict> {
  const [r] = await i.sql.query<{ total: string; unpublished: string; stale: string }>(
    `select count(*) as total, count(*) filter (where published_at is null) as unpublished,
            count(*) filter (where published_at is null and created_at < $1::timestamptz) as stale from outbox`,
    [new Date(i.now - 30_000).toISOString()],
  );
  return {
    name: 'every outbox row published',
    figure: `${r!.total} rows, ${r!.unpublished} unpublished (${r!.stale} older than 30 s)`,
    ok: Number(r!.stale) === 0,
  };
}

interface NotificationRow {
  id: string;
  event: string;
  attempts: number;
  case_no: string;
  channel: string | null;
  status: string;
  created_at: Date;
  sent_at: Date | null;
  address: string | null;
  fallback_only: boolean;
}

/**
 * Every case notification the workers marked sent is matched against the sandbox's record, per channel,
 * recipient (openid, OA openid, mobile or group) and case number: the rows of one such key must meet at
 * least as many accepted messages naming the case (a robot digest names each case of each folded row once),
 * and any more are duplicates.
 */
async function notificationsDelivered(i: CheckInput): Promise<Verdict> {
  const rows = await i.sql.query<NotificationRow>(
    `select n.id, n.event, n.attempts, c.case_no, n.channel, n.status, n.created_at,
            n.sent_at,
            case n.channel when 'subscribe' then u.openid when 'oa_template' then u.oa_openid when 'sms' then u.mobile
                           when 'wecom_robot' then n.recipient_group end as address,
            not exists (select 1 from notification_attempts a where a.notification_id = n.id and a.outcome not in ('fallback')) as fallback_only
       from notifications n join cases c on c.id = n.case_id left join users u on u.id = n.recipient_user_id`,
  );
  const key = (channel: string, address: string, caseNo: string) => `${channel}|${address}|${caseNo}`;
  const expected = new Map<string, number>();
  const grace = i.now - 60_000;
  const afterClose = new Set<string>();
  let sent = 0;
  let sentAfterClose = 0;
  let pendingLate = 0;
  let pendingYoung = 0;
  let undeliverable = 0;
  const failed: string[] = [];
  for (const r of rows) {
    if (r.status === 'sent' && r.channel && r.address && r.sent_at && new Date(r.sent_at).getTime() >= i.recordClosedAt) {
      sentAfterClose++;
      afterClose.add(key(r.channel, r.address, r.case_no));
    } else if (r.status === 'sent' && r.channel && r.address) {
      sent++;
      const k = key(r.channel, r.address, r.case_no);
      expected.set(k, (expected.get(k) ?? 0) + 1);
    } else if (r.status === 'pending') {
      if (new Date(r.created_at).getTime() < grace) {
        pendingLate++;
        failed.push(`notification ${r.id} (${r.event}, ${r.case_no}, ${r.attempts} attempts) still pending since ${new Date(r.created_at).toISOString()}`);
      }
      else pendingYoung++;
    } else if (r.status === 'failed') {
      if (r.fallback_only) undeliverable++;
      else failed.push(`notification ${r.id} (${r.case_no}) failed after errors`);
    }
  }
  const seen = new Map<string, number>();
  const caseNo = /DL\d{8}-\d{6}/g;
  for (const m of i.messages) {
    if (!m.accepted) continue;
    const address = m.recipient.openid ?? m.recipient.oaOpenid ?? m.recipient.phone ?? m.recipient.group;
    if (!address) continue;
    for (const no of m.content.match(caseNo) ?? []) {
      const k = key(m.channel, address, no);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
  }
  let missing = 0;
  let dups = 0;
  const examples: string[] = [];
  for (const [k, n] of expected) {
    const m = seen.get(k) ?? 0;
    if (m < n) {
      missing += n - m;
      examples.push(`missing ${n - m}: ${k}`);
    }
    if (m > n && !afterClose.has(k)) {
      dups += m - n;
      examples.push(`duplicate ${m - n}: ${k}`);
    }
  }
  const dupRate = sent ? dups / sent : 0;
  return {
    name: 'every due notification delivered at least once, duplicates ≤ 0.1 %',
    figure:
      `${sent} sent, ${missing} not in the sandbox record, ${dups} duplicates (${(dupRate * 100).toFixed(3)} %); ` +
      `${sentAfterClose} sent after the record's final read (not counted); ` +
      `${pendingLate} pending > 60 s, ${pendingYoung} younger; ${failed.length - pendingLate} failed after errors, ${undeliverable} with no address on any channel`,
    ok: missing === 0 && failed.length === 0 && dupRate <= 0.001,
    examples: ex([...examples, ...failed]),
  };
}

async function overdueFlagged(i: CheckInput): Promise<Verdict> {
  const rows = await i.sql.query<{ id: string; due_at: Date; overdue_at: Date | null; state: string }>(
    `select id, due_at, overdue_at, state from cases
      where category_code = $1 and due_at is not null and due_at < $2::timestamptz
        and (overdue_at is not null or state in ('dispatched', 'in_progress', 'suspended'))`,
    [FAST_CATEGORY, new Date(i.now - 60_000).toISOString()],
  );
  const late: string[] = [];
  let maxLag = 0;
  let afterWipe = 0;
  for (const r of rows) {
    const due = new Date(r.due_at).getTime();
    const lag = r.overdue_at ? (new Date(r.overdue_at).getTime() - due) / 1000 : Infinity;
    maxLag = Math.max(maxLag, lag);
    if (i.redisWipedAt !== null && due > i.redisWipedAt) afterWipe++;
    if (lag > 60) late.push(`${r.id}: ${r.overdue_at ? `flagged ${lag.toFixed(1)} s after due` : 'never flagged'}`);
  }
  const wipe = i.redisWipedAt === null ? 'Redis kept its data this run' : `${afterWipe} due after Redis lost its data`;
  return {
    name: 'every case that went overdue was flagged within 60 s of its due time',
    figure: `${rows.length - late.length}/${rows.length} (${wipe}); latest flag ${Number.isFinite(maxLag) ? `${maxLag.toFixed(1)} s` : 'never'} after due`,
    ok: late.length === 0 && rows.length > 0,
    examples: ex(late),
  };
}

async function photos(i: CheckInput): Promise<Verdict[]> {
  const rows = await i.sql.query<{ id: string }>(`select id from case_photos`);
  const ids = new Set(rows.map((r) => r.id));
  const onDisk = new Set<string>();
  const walkDir = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walkDir(path.join(d, e.name));
      else if (/^[0-9a-f-]{36}\.jpg$/.test(e.name)) onDisk.add(e.name.slice(0, 36));
    }
  };
  walkDir(i.photoDir);
  const noFile = [...ids].filter((id) => !onDisk.has(id));
  const orphans = [...onDisk].filter((id) => !ids.has(id));
  // The workers' hourly job (usecases/photo-orphans.ts), run now with no grace period: the load has stopped, so
  // no request is between writing a photo and committing its case.
  const sweep = await removeOrphanPhotos({ photos: diskPhotoStore(i.photoDir), photoRows: { known: async (batch) => new Set(batch.filter((id) => ids.has(id))) }, clock: { now: () => new Date() } }, 0);
  onDisk.clear();
  walkDir(i.photoDir);
  const left = [...onDisk].filter((id) => !ids.has(id));
  const lost = [...ids].filter((id) => !onDisk.has(id));
  return [
    { name: 'every photo row has its file', figure: `${ids.size} rows, ${noFile.length} without a file`, ok: noFile.length === 0, examples: ex(noFile) },
    {
      name: 'orphan photo files are cleaned by the job',
      figure: `${orphans.length} files without a row; the job removed ${sweep.removed}, ${left.length} left, ${lost.length} case photos lost`,
      ok: left.length === 0 && lost.length === 0,
      examples: ex([...left, ...lost]),
    },
  ];
}

function readiness(i: CheckInput): Verdict {
  const slow = i.faults.filter((f) => f.readyMs === null || f.readyMs > i.readyCapMs);
  const worst = Math.max(0, ...i.faults.map((f) => f.readyMs ?? Infinity));
  return {
    name: `/readyz answered within ${i.readyCapMs / 1000} s of each fault`,
    figure: `${i.faults.length - slow.length}/${i.faults.length}; slowest ${Number.isFinite(worst) ? `${(worst / 1000).toFixed(1)} s` : 'never'}`,
    ok: slow.length === 0,
    examples: ex(slow.map((f) => `${f.kind} at ${f.at}s: ${f.readyMs ?? 'never'} ms`)),
  };
}
