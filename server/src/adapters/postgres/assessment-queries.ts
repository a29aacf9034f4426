import { sql, type SQL } from 'drizzle-orm';
import type { AssessmentLevel } from '@finecity/types';
import type { RawCounts } from '../../domain/assessment/indicators.js';
import type { AssessmentQueries, CountingRules, UnitCounts } from '../../usecases/assessment/ports.js';
import { beijingDate, isBeijingMidnight } from '../../domain/shanghai-time.js';
import { companyFind, missedWhere } from './company-repository.js';
import type { DbOrTx } from './database.js';
import { missingRanges, REGION_UNIT, rolledUpStatement, rollUpDays, usableDays } from './assessment-rollup.js';
import { COLS, caseCols, caseDated, combine, eventCols, eventsPerCase, answered, patrolIn, responseTail, ts, under, within, type Part, type Window } from './assessment-sql.js';

/**
 * The indicator engine in SQL (issue 10): one statement per call, grouped per unit. Regions (区域评价) are
 * counted by where the problem is (cases.grid/community/street/district_code); departments and squads
 * (部门评价) by the unit holding the case (cases.responsible_code); inspector posts (岗位评价) by the acting
 * or reporting user's grid and duty slot; the third-party company by the company (its inspectors' reports and
 * its own system's tickets).
 */
export function pgAssessmentQueries(db: DbOrTx): AssessmentQueries {
  const run = async (level: AssessmentLevel, q: { rootPath: string; start: Date; end: Date }, rules: CountingRules, rollup: boolean): Promise<UnitCounts[]> => {
    const w: Window = { start: q.start, end: q.end, rootPath: q.rootPath };
    // One statement sorts and hashes a month of events: give it memory for this transaction only
    // (https://www.postgresql.org/docs/current/runtime-config-resource.html#GUC-WORK-MEM).
    const res = await db.transaction(async (tx) => {
      await tx.execute(sql`set local work_mem = '128MB'`);
      // The company statement is tiny but its correlated subplans look costly to the planner; JIT compiling it
      // took seconds (https://www.postgresql.org/docs/current/jit-decision.html). The rollup's statement is a
      // few index scans, where JIT would cost more than it saves.
      if (level === 'company' || rollup) await tx.execute(sql`set local jit = off`);
      // Regions over whole Beijing days: the day rollup plus the live parts (assessment-rollup.ts).
      if (rollup && level in REGION_UNIT && isBeijingMidnight(w.start) && isBeijingMidnight(w.end)) {
        // Small index-only scans: a parallel plan of the wider index only looks cheaper to the planner.
        await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
        const region = level as keyof typeof REGION_UNIT;
        const acc: Part = { unit: sql`u.code`, cols: { accountability: sql`count(*)` }, from: accountabilityFrom(region, w) };
        return tx.execute(await rolledUpStatement(tx, region, w, rules, acc));
      }
      const statement = level === 'inspector' ? inspectorStatement(w, rules) : level === 'company' ? companyStatement(w, rules) : unitStatement(level as UnitLevel, w, rules);
      return tx.execute(statement);
    });
    return (res as unknown as { rows: Record<string, unknown>[] }).rows.map(toUnitCounts);
  };
  return {
    rawCounts: (level, q, rules) => run(level, q, rules, true),
    directRawCounts: (level, q, rules) => run(level, q, rules, false),
    rollUpDays: (from, to, rules, now) => rollUpDays(db, from, to, rules, now),
    async daysToRollUp(from, to, rules) {
      const have = new Set(await usableDays(db, from, to, rules));
      return missingRanges(from, to, [...have]).flatMap((r) => {
        const out: string[] = [];
        for (let t = r.start.getTime(); t < r.end.getTime(); t += 86_400_000) out.push(beijingDate(new Date(t)));
        return out;
      });
    },
  };
}

function toUnitCounts(row: Record<string, unknown>): UnitCounts {
  const counts = {} as RawCounts;
  for (const k of COLS) counts[k] = Number(row[k] ?? 0);
  counts.handlingHoursSum = Math.round(counts.handlingHoursSum * 1000) / 1000;
  return { unitCode: String(row.unit), counts };
}

type UnitLevel = Exclude<AssessmentLevel, 'inspector' | 'company'>;
const REGION_COLUMN: Partial<Record<UnitLevel, string>> = { grid: 'grid_code', community: 'community_code', street: 'street_code', district: 'district_code' };

/** Handling units: departments proper (unit_type null or 'department'), or the quick squads. */
const HOLDER_FILTER: Partial<Record<UnitLevel, SQL>> = {
  department: sql`r.level = 'department' and coalesce(r.unit_type, 'department') = 'department'`,
  squad: sql`r.level = 'department' and r.unit_type in ('repair_squad', 'street_squad')`,
};

/** How a case row `c` maps to its unit of the level, and which cases are inside the subtree. */
function attribution(level: UnitLevel, w: Window): { unit: SQL; join: SQL; where: SQL } {
  const col = REGION_COLUMN[level];
  if (col) return { unit: sql.raw(`c.${col}`), join: sql``, where: under(w, sql`c.location_path`) };
  return {
    unit: sql`r.code`,
    join: sql`join org_nodes r on r.code = c.responsible_code`,
    where: sql`${HOLDER_FILTER[level]!} and ${under(w, sql`r.path`)}`,
  };
}

/** Region, department and squad levels: case-dated counts, event counts per case, and 问责 records. */
function unitStatement(level: UnitLevel, w: Window, rules: CountingRules): SQL {
  const squads = level === 'squad';
  const a = attribution(level, w);
  const parts: Part[] = [
    { unit: a.unit, cols: caseCols(w), from: sql`from cases c ${a.join} where ${a.where} and ${caseDated(w)}` },
    { unit: a.unit, cols: eventCols(w, squads), from: sql`from ev join cases c on c.id = ev.case_id ${a.join} where ${a.where}` },
    { unit: sql`u.code`, cols: { accountability: sql`count(*)` }, from: accountabilityFrom(level, w) },
  ];
  return combine(parts, sql`ev as (${eventsPerCase(w, rules, squads)})`);
}

/** 问责 records of the window: for a region, those naming the unit or any node under it; else the unit itself. */
function accountabilityFrom(level: UnitLevel, w: Window): SQL {
  const inWindow = within(w, sql`a.created_at`);
  if (REGION_COLUMN[level]) {
    return sql`from accountability_records a join org_nodes n on n.code = a.org_node_code
      join org_nodes u on u.level = ${level} and n.path like u.path || '%'
      where ${inWindow} and ${under(w, sql`u.path`)}`;
  }
  return sql`from accountability_records a join org_nodes r on r.code = a.org_node_code
    cross join lateral (select r.code) as u(code)
    where ${inWindow} and ${HOLDER_FILTER[level]!} and ${under(w, sql`r.path`)}`;
}

/** An inspector's post `<gridCode>:<A|B>` from users row `alias` (slot A when none is recorded). */
const post = (alias: string) => sql.raw(`${alias}.org_node_code || ':' || coalesce(${alias}.duty_slot, 'A')`);
/** Users `alias` who are grid inspectors inside the subtree. */
const inspectorIn = (alias: string, w: Window) =>
  sql`${sql.raw(alias)}.duty_slot is not null and exists (select 1 from org_nodes g where g.code = ${sql.raw(alias)}.org_node_code and ${under(w, sql`g.path`)})`;

/**
 * Inspector posts (岗位评价): their reports and patrol self-handling; their handle events; and the response
 * to grid dispatches, charged to the post on duty when the dispatch was made (its data.onDuty.slot), else to
 * the post that signed it, else to post A.
 */
function inspectorStatement(w: Window, rules: CountingRules): SQL {
  const created = within(w, sql`c.created_at`);
  const cc = caseCols(w);
  const parts: Part[] = [
    {
      unit: post('u'),
      cols: { reported: cc.reported!, validReported: cc.validReported!, patrolReports: cc.patrolReports! },
      from: sql`from cases c join users u on u.id = c.reporter_id where ${created} and ${inspectorIn('u', w)}`,
    },
    {
      unit: post('u'),
      cols: { handled: sql`count(*)`, selfHandled: sql`count(distinct c.id) filter (where ${patrolIn(w)} and c.reporter_id = e.actor_id)` },
      from: sql`from case_events e join users u on u.id = e.actor_id join cases c on c.id = e.case_id
        where e.action = 'handle' and ${within(w, sql`e.at`)} and ${inspectorIn('u', w)}`,
    },
    {
      unit: sql`(d.data->>'to') || ':' || coalesce(d.data->'onDuty'->>'slot', case when d.nx_action = 'sign' then d.nx_slot end, 'A')`,
      cols: { responseBase: sql`count(*)`, responded: sql`count(*) filter (where ${answered(rules, 'd')})` },
      from: sql`from (select e.*, ${within(w, sql`e.at`)} as inside,
            lead(e.action) over nx as nx_action, lead(e.at) over nx as nx_at, lead(eu.duty_slot) over nx as nx_slot
          from case_events e left join users eu on eu.id = e.actor_id
          where e.at >= ${ts(w.start)} and e.at < ${ts(new Date(w.end.getTime() + responseTail(rules)))} and e.action in ('dispatch', 'sign')
          window nx as (partition by e.case_id order by e.seq)) d
        join org_nodes g on g.code = d.data->>'to'
        where d.inside and d.action = 'dispatch' and d.data->>'toLevel' = 'grid' and ${under(w, sql`g.path`)}`,
    },
  ];
  return combine(parts, null);
}

/**
 * Third-party companies (issue 11, 月评估), one unit per company: its finds (发现量) of the period, those the
 * district registered (复核量), its finds closed in the period (办结量), contracted grid-days visited by a
 * check-in against those due in the period and the contract (覆盖率), and 漏查 (company-repository.ts missedWhere).
 * Companies are city-wide: the subtree does not narrow them.
 */
function companyStatement(w: Window, rules: CountingRules): SQL {
  const created = within(w, sql`c.created_at`);
  const closed = sql`(c.state = 'closed' and ${within(w, sql`c.closed_at`)})`;
  const registered = sql`exists (select 1 from case_events re where re.case_id = c.id and re.action = 'register')`;
  const firstDay = beijingDate(w.start);
  const lastDay = beijingDate(new Date(w.end.getTime() - 1));
  const cc = caseCols(w);
  const parts: Part[] = [
    {
      unit: sql`co.id`,
      cols: {
        reported: cc.reported!, validReported: cc.validReported!, due: cc.due!, closed: cc.closed!, closedOnTime: cc.closedOnTime!,
        closedOnTimeNational: cc.closedOnTimeNational!, overdue: cc.overdue!,
        companyFinds: sql`count(*) filter (where ${created})`,
        companyConfirmed: sql`count(*) filter (where ${created} and ${registered})`,
        companyClosed: sql`count(*) filter (where ${closed})`,
      },
      from: sql`from companies co join cases c on ${companyFind(sql`co`, sql`c`)} where ${created} or ${closed} or ${within(w, sql`c.due_at`)} or ${within(w, sql`c.overdue_at`)}`,
    },
    {
      unit: sql`co.id`,
      cols: { coverageBase: sql`count(*)`, coverageVisited: sql`count(*) filter (where exists (select 1 from patrol_checkins p where p.company_id = co.id and p.grid_code = g.grid_code and p.day = d.day))` },
      from: sql`from companies co join company_grids g on g.company_id = co.id
        cross join lateral (select to_char(s, 'YYYY-MM-DD') as day from generate_series(${firstDay}::date, ${lastDay}::date, interval '1 day') s) d
        where d.day >= co.contract_start and d.day <= co.contract_end`,
    },
    { unit: sql`co.id`, cols: { missed: sql`count(*)` }, from: sql`from companies co join cases m on ${missedWhere(sql`co`, w.start, w.end, rules.companyMissWindowHours ?? 24)}` },
  ];
  return combine(parts, null);
}
