import { sql, type SQL } from 'drizzle-orm';
import { REOPEN_WINDOW_DAYS } from '@finecity/types';
import type { CountingRules } from '../../usecases/assessment/ports.js';
import { answeredWithin, combine, responseTail, ts, under, within, type Part, type Window } from './assessment-sql.js';
import type { DbOrTx } from './database.js';
import { addDays, beijingDate, beijingDayStart } from '../../domain/shanghai-time.js';

/**
 * The day rollup of the indicator engine (issue 10), for the region levels (grid, community, street,
 * district: counted by where the problem is). Per Beijing day and place of the case, assessment_day_counts
 * holds the counts that cannot change once the day is over:
 * - events of the day (register, handle, failed verify, dispatch, return, approved extension, suspend, rate,
 *   grid dispatch and its answer): the event log is append-only;
 * - cases created that day (上报数, patrol and residents' reports): created_at and source never change;
 * - cases closed that day (结案数, 按期, ·国标, 处置时长): a closed case's close time, due times and clock start
 *   never change, except by a reopen (below);
 * - answered grid dispatches by who signed them, within post A's and within post B's minutes: the engine
 *   charges the signer's current post, so the post is read when the figures are;
 * - 自处置: a patrol case whose first handling by its reporter fell on the day, with the day it was created
 *   (ref_day): it counts in a period holding both days.
 * What can change after the day stays live, over the period (liveParts): 有效上报数 (a waiting case is
 * registered later: 上报数 minus the period's cases still waiting, rejected or merged), 应结案数 (an extension
 * or rework moves due_at), 超期数, 到场, 督办 outcomes (they depend on the close), and 问责.
 * A rolled-up day is stale, and counted live, when a 待定位 case created by its end was pinned after it was
 * computed (its place moved), or a case was reopened after it was computed within the reopen window of the
 * day (a close of the day may be undone). Days are Beijing days: Asia/Shanghai is UTC+8 all year.
 */

const DAY = 86_400_000;

/** The Beijing day of an instant column, as a date. */
const dayOf = (col: SQL) => sql`((${col} at time zone 'UTC') + interval '8 hours')::date`;
/** The instant a Beijing day (a date expression) starts. */
const startOfDay = (day: SQL) => sql`((${day})::timestamp - interval '8 hours') at time zone 'UTC'`;


/** The counting rules a rollup was computed under (the satisfaction threshold and the posts' minutes). */
export const rulesKey = (r: CountingRules) => `satisfied>=${r.satisfiedAtLeast};A=${r.responseMinutes.A};B=${r.responseMinutes.B}`;

const PLACE = ['location_path', 'grid_code', 'community_code', 'street_code', 'district_code'] as const;
/** The rollup's count columns, in the table's order. */
const COUNTS = [
  'reported', 'patrol_reports', 'public_reports', 'registered', 'handled', 'rework', 'dispatched', 'returned', 'extended',
  'suspended', 'rated', 'satisfied', 'response_base', 'responded_a', 'responded_b', 'self_handled', 'closed', 'closed_on_time',
  'closed_on_time_national', 'handling_hours_sum', 'handling_count',
] as const;
type Count = (typeof COUNTS)[number];
const KEY = ['day', 'ref_day', 'signer_id', ...PLACE] as const;

/** One grouped select of rollup rows: `day`, `ref_day`, `signer_id`, the place of case `c`, some counts (others 0). */
function rows(day: SQL, counts: Partial<Record<Count, SQL>>, from: SQL, extra: { refDay?: SQL; signer?: SQL } = {}): SQL {
  const cols = COUNTS.map((k) => sql`${counts[k] ?? sql`0`}${sql.raw(k === 'handling_hours_sum' ? '::float8' : '::int')} as ${sql.identifier(k)}`);
  return sql`select ${day} as day, ${extra.refDay ?? sql`null::date`} as ref_day, ${extra.signer ?? sql`null::uuid`} as signer_id,
    c.location_path, c.grid_code, c.community_code, c.street_code, c.district_code, ${sql.join(cols, sql`, `)}
    ${from} group by 1, 2, 3, 4, 5, 6, 7, 8`;
}

/**
 * The rollup rows of the Beijing days in [start, end) (both 00:00 Beijing), computed from cases and events:
 * what the job stores, and what a read counts live for days the table does not hold.
 */
export function dayRowsSql(w: { start: Date; end: Date }, rules: CountingRules): SQL {
  const win: Window = { start: w.start, end: w.end, rootPath: '/' };
  const closed = sql`(c.state = 'closed' and ${within(win, sql`c.closed_at`)})`;
  const n = (cond: SQL) => sql`count(*) filter (where ${cond})`;
  const tailEnd = new Date(w.end.getTime() + responseTail(rules));
  // Exactly the engine's event stream (assessment-sql.ts eventsPerCase): the next dispatch-or-sign by seq.
  const events = sql`(select e.case_id, e.action, e.at, e.data, e.actor_id, ${within(win, sql`e.at`)} as inside,
        lead(e.action) over nx as nx_action, lead(e.at) over nx as nx_at, lead(e.actor_id) over nx as nx_actor
      from case_events e
      where e.at >= ${ts(w.start)} and e.at < ${ts(tailEnd)}
        and e.action in ('register', 'handle', 'verify', 'dispatch', 'sign', 'return', 'decide-extension', 'suspend', 'rate', 'supervise')
      window nx as (partition by e.case_id, e.action in ('dispatch', 'sign') order by e.seq)) e`;
  const gridDispatch = sql`e.action = 'dispatch' and e.data->>'toLevel' = 'grid'`;
  const answered = (minutes: number) => sql`${gridDispatch} and ${answeredWithin('e', minutes)}`;
  // 自处置: the first handling of a patrol case by its reporter (by time, then seq), when it falls in the window.
  const firstSelf = sql`from (select distinct on (e.case_id) e.case_id, e.at from case_events e join cases c on c.id = e.case_id
        where e.action = 'handle' and ${within(win, sql`e.at`)} and c.source = 'patrol' and e.actor_id = c.reporter_id
          and not exists (select 1 from case_events p where p.case_id = e.case_id and p.action = 'handle' and p.actor_id = c.reporter_id and p.at < ${ts(w.start)})
        order by e.case_id, e.at, e.seq) f join cases c on c.id = f.case_id`;
  const parts = [
    rows(dayOf(sql`c.created_at`), {
      reported: sql`count(*)`,
      patrol_reports: n(sql`c.source = 'patrol'`),
      public_reports: n(sql`c.source in ('miniprogram', 'official_account', 'open311')`),
    }, sql`from cases c where ${within(win, sql`c.created_at`)}`),
    rows(dayOf(sql`c.closed_at`), {
      closed: sql`count(*)`,
      closed_on_time: n(sql`c.closed_at <= c.due_at`),
      closed_on_time_national: n(sql`c.closed_at <= coalesce(c.national_due_at, c.due_at)`),
      handling_hours_sum: sql`coalesce(sum(extract(epoch from c.closed_at - c.clock_started_at) / 3600.0) filter (where c.clock_started_at is not null), 0)`,
      handling_count: n(sql`c.clock_started_at is not null`),
    }, sql`from cases c where ${closed}`),
    rows(dayOf(sql`e.at`), {
      registered: n(sql`e.action = 'register'`),
      handled: n(sql`e.action = 'handle'`),
      rework: n(sql`e.action = 'verify' and e.data->>'passed' = 'false'`),
      dispatched: n(sql`e.action = 'dispatch'`),
      returned: n(sql`e.action = 'return'`),
      extended: n(sql`e.action = 'decide-extension' and e.data->>'approved' = 'true'`),
      suspended: n(sql`e.action = 'suspend'`),
      rated: n(sql`e.action = 'rate'`),
      satisfied: n(sql`e.action = 'rate' and (e.data->>'score')::int >= ${rules.satisfiedAtLeast}::int`),
      response_base: n(gridDispatch),
    }, sql`from ${events} join cases c on c.id = e.case_id where e.inside`),
    rows(dayOf(sql`e.at`), {
      responded_a: n(answered(rules.responseMinutes.A)),
      responded_b: n(answered(rules.responseMinutes.B)),
    }, sql`from ${events} join cases c on c.id = e.case_id where e.inside and ${gridDispatch} and e.nx_action = 'sign'`, { signer: sql`e.nx_actor` }),
    rows(dayOf(sql`f.at`), { self_handled: sql`count(*)` }, firstSelf, { refDay: dayOf(sql`c.created_at`) }),
  ];
  return sql`select ${sql.raw(KEY.join(', '))}, ${sql.join(COUNTS.map((k) => sql`sum(${sql.identifier(k)})${sql.raw(k === 'handling_hours_sum' ? '::float8' : '::int')} as ${sql.identifier(k)}`), sql`, `)}
    from (${sql.join(parts, sql` union all `)}) r group by ${sql.raw(KEY.join(', '))}`;
}

type Rows = { rows: Record<string, unknown>[] };
const rowsOf = (res: unknown) => (res as Rows).rows;

/**
 * The days in [from, to) (YYYY-MM-DD, Beijing) the table holds under `rules` and that are not stale: a pin of
 * a 待定位 case created by the day's end, or a reopen within the reopen window of the day, after it was computed.
 */
export async function usableDays(db: DbOrTx, from: string, to: string, rules: CountingRules): Promise<string[]> {
  const res = await db.execute(sql`select to_char(rd.day, 'YYYY-MM-DD') as day from assessment_rollup_days rd
    where rd.day >= ${from}::date and rd.day < ${to}::date and rd.rules = ${rulesKey(rules)}
      and not exists (select 1 from case_events l join cases c on c.id = l.case_id
        where l.action = 'locate' and l.at > rd.computed_at and c.created_at < ${startOfDay(sql`rd.day + 1`)})
      and not exists (select 1 from case_events r
        where r.action = 'reopen' and r.at > rd.computed_at and r.at < ${startOfDay(sql`rd.day + ${1 + REOPEN_WINDOW_DAYS}::int`)})
    order by rd.day`);
  return rowsOf(res).map((r) => String(r.day));
}

/** Runs of consecutive days of [from, to) not in `have`, as [start, end) instants. */
export function missingRanges(from: string, to: string, have: string[]): { start: Date; end: Date }[] {
  const held = new Set(have);
  const out: { start: Date; end: Date }[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) {
    if (held.has(d)) continue;
    const last = out[out.length - 1];
    if (last && last.end.getTime() === beijingDayStart(d).getTime()) last.end = beijingDayStart(addDays(d, 1));
    else out.push({ start: beijingDayStart(d), end: beijingDayStart(addDays(d, 1)) });
  }
  return out;
}

/**
 * Stores the rollup of the Beijing days [from, to) (idempotent: each day's rows are replaced), in chunks of
 * at most `chunkDays` days, one transaction each. `now` marks when they were computed; it is moved a minute
 * back so an event committed while the rollup ran cannot hide behind it (a stale day is only counted live).
 * Refuses days whose events are not all in yet (the day's end plus the longest response window after `now`).
 */
export async function rollUpDays(db: DbOrTx, from: string, to: string, rules: CountingRules, now: Date, chunkDays = 31): Promise<number> {
  const latest = beijingDate(new Date(now.getTime() - responseTail(rules)));
  const end = to <= latest ? to : latest; // the last day whose response window has closed, exclusive bound
  const computedAt = new Date(now.getTime() - 60_000);
  let days = 0;
  for (let a = from; a < end; ) {
    let b = a;
    for (let i = 0; i < chunkDays && b < end; i++) b = addDays(b, 1);
    const w = { start: beijingDayStart(a), end: beijingDayStart(b) };
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local work_mem = '128MB'`);
      await tx.execute(sql`delete from assessment_day_counts where day >= ${a}::date and day < ${b}::date`);
      await tx.execute(sql`delete from assessment_rollup_days where day >= ${a}::date and day < ${b}::date`);
      await tx.execute(sql`insert into assessment_day_counts (${sql.raw([...KEY, ...COUNTS].join(', '))}) ${dayRowsSql(w, rules)}`);
      await tx.execute(sql`insert into assessment_rollup_days (day, computed_at, rules)
        select d::date, ${ts(computedAt)}, ${rulesKey(rules)} from generate_series(${a}::date, ${b}::date - 1, interval '1 day') d`);
    });
    days += (beijingDayStart(b).getTime() - beijingDayStart(a).getTime()) / DAY;
    a = b;
  }
  // Fresh statistics, so the planner reads a month's rows as the thousands they are.
  if (days > 0) await db.execute(sql`analyze assessment_day_counts`);
  return days;
}

/** The region levels' unit column. */
export const REGION_UNIT = { grid: 'grid_code', community: 'community_code', street: 'street_code', district: 'district_code' } as const;

/**
 * Raw counts of a region level over a period of whole Beijing days, from the rollup for the usable days, the
 * same rows computed live for the others, and the live parts. Two statements: the usable days, then the counts.
 */
export async function rolledUpStatement(db: DbOrTx, level: keyof typeof REGION_UNIT, w: Window, rules: CountingRules, accountability: Part): Promise<SQL> {
  const from = beijingDate(w.start);
  const to = beijingDate(w.end);
  const have = await usableDays(db, from, to, rules);
  const live = missingRanges(from, to, have);
  // Rows of the usable days: the range, minus the days counted live (a plain range when there are none, so the
  // planner sees how many rows it reads).
  const missing = live.flatMap((r) => {
    const out: string[] = [];
    for (let t = r.start.getTime(); t < r.end.getTime(); t += DAY) out.push(beijingDate(new Date(t)));
    return out;
  });
  const stored = sql`select ${sql.raw([...KEY, ...COUNTS].join(', '))} from assessment_day_counts
    where day >= ${from}::date and day < ${to}::date${missing.length ? sql` and day <> all(${`{${missing.join(',')}}`}::date[])` : sql``}`;
  const src = sql.join([stored, ...live.map((r) => dayRowsSql(r, rules))], sql` union all `);
  const unit = (alias: string) => sql.raw(`${alias}.${REGION_UNIT[level]}`);
  const s = (col: Count) => sql`sum(s.${sql.identifier(col)})`;
  const c = (cond: SQL) => sql`count(*) filter (where ${cond})`;
  const inW = (col: string) => within(w, sql.raw(col));
  const parts: Part[] = [
    {
      unit: unit('s'),
      cols: {
        reported: s('reported'), validReported: s('reported'), patrolReports: s('patrol_reports'), publicReports: s('public_reports'),
        registered: s('registered'), handled: s('handled'), rework: s('rework'), dispatched: s('dispatched'), returned: s('returned'),
        extended: s('extended'), suspended: s('suspended'), rated: s('rated'), satisfied: s('satisfied'), responseBase: s('response_base'),
        // The signer's post now (post A when none): a hashed set of the B posts, not a join per row.
        responded: sql`sum(case when s.signer_id in (select id from users where duty_slot = 'B') then s.responded_b else s.responded_a end)`,
        selfHandled: sql`sum(s.self_handled) filter (where s.ref_day is null or (s.ref_day >= ${from}::date and s.ref_day < ${to}::date))`,
        closed: s('closed'), due: s('closed'), closedOnTime: s('closed_on_time'), closedOnTimeNational: s('closed_on_time_national'),
        handlingHoursSum: s('handling_hours_sum'), handlingCount: s('handling_count'),
      },
      from: sql`from src s where ${under(w, sql`s.location_path`)}`,
    },
    // 有效上报数 = 上报数 − the period's cases still waiting, rejected or merged (cases_not_valid_created_idx).
    { unit: unit('c'), cols: { validReported: sql`-count(*)` }, from: sql`from cases c where c.state in ('submitted', 'rejected', 'merged') and ${inW('c.created_at')} and ${under(w, sql`c.location_path`)}` },
    // 应结案数 = 结案数 + cases due in the period and not closed in it (cases_open_due_idx, cases_closed_due_idx).
    { unit: unit('c'), cols: { due: sql`count(*)` }, from: sql`from cases c where c.state <> 'closed' and c.due_at is not null and ${inW('c.due_at')} and ${under(w, sql`c.location_path`)}` },
    { unit: unit('c'), cols: { due: sql`count(*)` }, from: sql`from cases c where c.state = 'closed' and ${inW('c.due_at')} and c.closed_at < ${ts(w.start)} and ${under(w, sql`c.location_path`)}` },
    { unit: unit('c'), cols: { due: sql`count(*)` }, from: sql`from cases c where c.state = 'closed' and ${inW('c.due_at')} and c.closed_at >= ${ts(w.end)} and ${under(w, sql`c.location_path`)}` },
    { unit: unit('c'), cols: { overdue: sql`count(*)` }, from: sql`from cases c where ${inW('c.overdue_at')} and ${under(w, sql`c.location_path`)}` },
    {
      unit: unit('c'),
      cols: { arrivals: sql`count(*)`, arrivalsOnTime: c(sql`c.arrived_at <= c.arrive_due_at`) },
      from: sql`from cases c where ${inW('c.arrived_at')} and ${under(w, sql`c.location_path`)}`,
    },
    // 督办 and their outcome (case_events_rare_at_idx).
    {
      unit: unit('c'),
      cols: {
        supervised: sql`count(*)`,
        supervisedDecided: c(sql`c.state = 'closed'`),
        supervisedOnTime: c(sql`c.state = 'closed' and c.closed_at <= coalesce((e.data->>'dueAt')::timestamptz, c.due_at)`),
      },
      from: sql`from case_events e join cases c on c.id = e.case_id where e.action = 'supervise' and ${inW('e.at')} and ${under(w, sql`c.location_path`)}`,
    },
    accountability,
  ];
  return combine(parts, sql`src as (${src})`);
}
