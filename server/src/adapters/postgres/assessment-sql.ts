import { sql, type SQL } from 'drizzle-orm';
import type { RawCounts } from '../../domain/assessment/indicators.js';
import type { CountingRules } from '../../usecases/assessment/ports.js';

/**
 * SQL fragments of the indicator engine (issue 10). Each "part" is one grouped SELECT yielding `unit` and
 * some RawCounts columns; the parts are UNION ALL'ed (missing columns as 0) and summed per unit in one
 * statement. Every definition is the doc comment of the field in domain/assessment/indicators.ts.
 */
export type Col = keyof RawCounts;
export type Part = { unit: SQL; cols: Partial<Record<Col, SQL>>; from: SQL };

export interface Window {
  start: Date;
  end: Date;
  rootPath: string;
}

export const COLS: Col[] = [
  'reported', 'validReported', 'registered', 'due', 'closed', 'closedOnTime', 'closedOnTimeNational', 'overdue',
  'handled', 'rework', 'dispatched', 'returned', 'extended', 'suspended', 'handlingHoursSum', 'handlingCount',
  'responseBase', 'responded', 'rated', 'satisfied', 'patrolReports', 'selfHandled', 'publicReports',
  'supervised', 'supervisedDecided', 'supervisedOnTime', 'accountability', 'arrivals', 'arrivalsOnTime', 'fixes', 'fixesOnTime',
  'companyFinds', 'companyConfirmed', 'companyClosed', 'coverageBase', 'coverageVisited', 'missed',
];

export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
/** `col` in [start, end): half-open, so an instant at the next period's 00:00 Beijing belongs to the next period. */
export const within = (w: Window, col: SQL) => sql`(${col} >= ${ts(w.start)} and ${col} < ${ts(w.end)})`;
export const under = (w: Window, pathCol: SQL) => sql`${pathCol} like ${`${w.rootPath}%`}`;
const n = (cond: SQL) => sql`count(*) filter (where ${cond})`;

/** Sources that are residents' own reports (公众参与数). */
const PUBLIC_SOURCES = sql`('miniprogram', 'official_account', 'open311')`;

/** A case closed (verify passed) in the window: state 'closed' with closed_at inside (reject/merge set closed_at too). */
const closedIn = (w: Window) => sql`(c.state = 'closed' and ${within(w, sql`c.closed_at`)})`;

/** A patrol report of the window (case row `c`): the base of 自处置率. */
export const patrolIn = (w: Window) => sql`(c.source = 'patrol' and ${within(w, sql`c.created_at`)})`;

/** Counts over case rows (alias c) whose own dates put them in the window: reports, due, closed, overdue, arrivals. */
export function caseCols(w: Window): Partial<Record<Col, SQL>> {
  const created = within(w, sql`c.created_at`);
  const closed = closedIn(w);
  return {
    reported: n(created),
    validReported: n(sql`${created} and c.state not in ('submitted', 'rejected', 'merged')`),
    due: n(sql`${within(w, sql`c.due_at`)} or ${closed}`),
    closed: n(closed),
    closedOnTime: n(sql`${closed} and c.closed_at <= c.due_at`),
    closedOnTimeNational: n(sql`${closed} and c.closed_at <= coalesce(c.national_due_at, c.due_at)`),
    overdue: n(within(w, sql`c.overdue_at`)),
    handlingHoursSum: sql`coalesce(sum(extract(epoch from c.closed_at - c.clock_started_at) / 3600.0) filter (where ${closed} and c.clock_started_at is not null), 0)`,
    handlingCount: n(sql`${closed} and c.clock_started_at is not null`),
    patrolReports: n(sql`${created} and c.source = 'patrol'`),
    publicReports: n(sql`${created} and c.source in ${PUBLIC_SOURCES}`),
    arrivals: n(within(w, sql`c.arrived_at`)),
    arrivalsOnTime: n(sql`${within(w, sql`c.arrived_at`)} and c.arrived_at <= c.arrive_due_at`),
  };
}

/** Rows of `cases c` that any case-dated count can see: lets the planner OR the date indexes. */
export const caseDated = (w: Window) =>
  sql`(${within(w, sql`c.created_at`)} or ${within(w, sql`c.closed_at`)} or ${within(w, sql`c.due_at`)} or ${within(w, sql`c.overdue_at`)} or ${within(w, sql`c.arrived_at`)})`;

/** The response minutes of a post slot (post A when there is none). */
const minutesOf = (rules: CountingRules, slot: SQL) =>
  sql`make_interval(mins => case when ${slot} = 'B' then ${rules.responseMinutes.B}::int else ${rules.responseMinutes.A}::int end)`;

/**
 * A grid dispatch is answered (响应) when the next dispatch-or-sign of its case is a sign, within the signing
 * post's minutes: a re-dispatch before any sign means the first dispatch went unanswered. `nx_*` are that next
 * row's action, time and signer's duty slot.
 */
export const answered = (rules: CountingRules, d: string) =>
  sql`(${sql.raw(d)}.nx_action = 'sign' and ${sql.raw(d)}.nx_at <= ${sql.raw(d)}.at + ${minutesOf(rules, sql.raw(`${d}.nx_slot`))})`;

/** As `answered`, within a fixed number of minutes whoever signed (the day rollup keeps post A's and post B's). */
export const answeredWithin = (d: string, minutes: number) =>
  sql`(${sql.raw(d)}.nx_action = 'sign' and ${sql.raw(d)}.nx_at <= ${sql.raw(d)}.at + make_interval(mins => ${minutes}::int))`;

/** The longest response window: a dispatch just before the end is answered by a sign just after it. */
export const responseTail = (rules: CountingRules) => Math.max(rules.responseMinutes.A, rules.responseMinutes.B) * 60_000;

/**
 * The window's events pre-aggregated per case (one row per case touched), so the join to cases is per case,
 * not per event. Events are read up to the response tail past the end (for the signs answering late
 * dispatches) but counted only inside the window. One sort on (case_id, dispatch-or-sign, seq) serves both the
 * `lead` that finds each dispatch's next dispatch-or-sign and the grouping per case.
 */
export function eventsPerCase(w: Window, rules: CountingRules, withFixes: boolean): SQL {
  const a = (cond: SQL) => sql`count(*) filter (where e.inside and ${cond})`;
  const gridDispatch = sql`e.action = 'dispatch' and e.data->>'toLevel' = 'grid'`;
  const tailEnd = new Date(w.end.getTime() + responseTail(rules));
  return sql`select e.case_id,
      ${a(sql`e.action = 'register'`)} as registered,
      ${a(sql`e.action = 'handle'`)} as handled,
      ${a(sql`e.action = 'verify' and e.data->>'passed' = 'false'`)} as rework,
      ${a(sql`e.action = 'dispatch'`)} as dispatched,
      ${a(sql`e.action = 'return'`)} as returned,
      ${a(sql`e.action = 'decide-extension' and e.data->>'approved' = 'true'`)} as extended,
      ${a(sql`e.action = 'suspend'`)} as suspended,
      ${a(sql`e.action = 'rate'`)} as rated,
      ${a(sql`e.action = 'rate' and (e.data->>'score')::int >= ${rules.satisfiedAtLeast}::int`)} as satisfied,
      ${a(gridDispatch)} as response_base,
      ${a(sql`${gridDispatch} and ${answered(rules, 'e')}`)} as responded,
      ${a(sql`e.action = 'supervise'`)} as supervised,
      array_agg((e.data->>'dueAt')::timestamptz) filter (where e.inside and e.action = 'supervise') as supervise_dues,
      array_agg(e.actor_id) filter (where e.inside and e.action = 'handle') as handlers,
      ${withFixes ? sql`array_agg(e.at) filter (where e.inside and e.action = 'handle')` : sql`null::timestamptz[]`} as handle_ats
    from (select e.case_id, e.action, e.at, e.data, e.actor_id, ${within(w, sql`e.at`)} as inside,
            lead(e.action) over nx as nx_action, lead(e.at) over nx as nx_at, lead(eu.duty_slot) over nx as nx_slot
          from case_events e left join users eu on eu.id = e.actor_id
          where e.at >= ${w.start.toISOString()}::timestamptz and e.at < ${tailEnd.toISOString()}::timestamptz
            and e.action in ('register', 'handle', 'verify', 'dispatch', 'sign', 'return', 'decide-extension', 'suspend', 'rate', 'supervise')
          window nx as (partition by e.case_id, e.action in ('dispatch', 'sign') order by e.seq)) e
    group by e.case_id`;
}

/** Columns over `ev` (eventsPerCase) joined to its case `c`. */
export function eventCols(w: Window, withFixes: boolean): Partial<Record<Col, SQL>> {
  const s = (col: string) => sql.raw(`sum(ev.${col})`);
  const decided = sql`(c.state = 'closed')`;
  return {
    registered: s('registered'),
    handled: s('handled'),
    rework: s('rework'),
    dispatched: s('dispatched'),
    returned: s('returned'),
    extended: s('extended'),
    suspended: s('suspended'),
    rated: s('rated'),
    satisfied: s('satisfied'),
    responseBase: s('response_base'),
    responded: s('responded'),
    supervised: s('supervised'),
    selfHandled: sql`count(*) filter (where ${patrolIn(w)} and c.reporter_id = any(ev.handlers))`,
    supervisedDecided: sql`sum(case when ${decided} then ev.supervised else 0 end)`,
    supervisedOnTime: sql`sum((select count(*) from unnest(ev.supervise_dues) d where ${decided} and c.closed_at <= coalesce(d, c.due_at)))`,
    ...(withFixes && {
      fixes: s('handled'),
      fixesOnTime: sql`sum((select count(*) from unnest(ev.handle_ats) h where h <= c.due_at))`,
    }),
  };
}

/** One statement: the parts UNION ALL'ed, summed per unit, every column a float8 named as in RawCounts. */
export function combine(parts: Part[], ctes: SQL | null): SQL {
  const selects = parts.map((p) => {
    const cols = COLS.map((k) => sql`${p.cols[k] ?? sql`0`}::float8 as ${sql.identifier(k)}`);
    return sql`select ${p.unit} as unit, ${sql.join(cols, sql`, `)} ${p.from} group by 1`;
  });
  const sums = COLS.map((k) => sql`sum(${sql.identifier(k)})::float8 as ${sql.identifier(k)}`);
  return sql`${ctes ? sql`with ${ctes} ` : sql``}select unit, ${sql.join(sums, sql`, `)}
    from (${sql.join(selects, sql` union all `)}) parts where unit is not null group by unit order by unit`;
}
