// A year of synthetic case history for the assessment bench, made in SQL (generate_series, INSERT … SELECT):
// per month 30 design days of 10,000 cases over the seeded grids, each with the events the case machine
// would have written (submit, register or reject, dispatch, return + re-dispatch, sign, extension, suspend,
// handle, rework, verify, rate). Outcomes are random with fixed shares; nothing here is asserted.
import type pg from 'pg';

/** 10,000 per design day (issue 10); BENCH_CASES_PER_DAY scales it down for a quick try of the SQL. */
export const CASES_PER_DAY = Number(process.env.BENCH_CASES_PER_DAY ?? 10_000);
export const DAYS_PER_MONTH = 30;

/** The staff, units and categories the synthetic cases draw from, as small lookup tables. */
const LOOKUPS = `
drop table if exists syn_grids, syn_depts, syn_cats, syn_people;
create table syn_grids as
  select (row_number() over (order by g.code) - 1)::int as i, g.code, g.path, g.centroid_lat as lat, g.centroid_lng as lng,
         split_part(g.path, '/', 3) as district, split_part(g.path, '/', 4) as street, split_part(g.path, '/', 5) as community,
         (select id from users u where u.org_node_code = g.code and u.duty_slot = 'A') as insp_a,
         (select id from users u where u.org_node_code = g.code and u.duty_slot = 'B') as insp_b,
         (select id from users u where u.org_node_code = split_part(g.path, '/', 3) and 'district' = any(u.roles) limit 1) as dispatcher
  from org_nodes g where g.level = 'grid';
create table syn_depts as
  select (row_number() over (order by d.code) - 1)::int as i, d.code, d.path,
         (select id from users u where u.org_node_code = d.code limit 1) as staff
  from org_nodes d where d.level = 'department' and d.parent_code = (select code from org_nodes where level = 'city');
create table syn_cats as select (row_number() over (order by code) - 1)::int as i, code, standard_ref from categories where enabled;
create table syn_people as
  select (select array_agg(id order by id) from users where 'resident' = any(roles)) as residents,
         (select id from users where 'third_party' = any(roles) limit 1) as third_party;
`;

/** One month's decided outcomes, one row per case: who, where, when each step happened. */
function plan(month: number, monthStart: string, perDay: number): string {
  const n = perDay * DAYS_PER_MONTH;
  return `
drop table if exists syn_plan;
create table syn_plan as
with base as (
  select g as k, gen_random_uuid() as id, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5,
         random() as r6, random() as r7, random() as r8,
         (timestamptz '${monthStart}' + ((g / ${perDay}) * interval '1 day') + random() * interval '86399 seconds') as t0,
         floor(random() * (select count(*) from syn_grids))::int as gi,
         floor(random() * (select count(*) from syn_depts))::int as di,
         floor(random() * (select count(*) from syn_cats))::int as ci
  from generate_series(0, ${n - 1}) g
), o as (
  select b.*, sg.code as grid, sg.path as gpath, sg.lat, sg.lng, sg.district, sg.street, sg.community, sg.dispatcher,
         sg.insp_a, sg.insp_b, sd.code as dept, sd.path as dpath, sd.staff as dept_staff, sc.code as cat, sc.standard_ref,
         case when r1 < 0.40 then 'patrol' when r1 < 0.85 then 'miniprogram' when r1 < 0.95 then 'hotline_12345' else 'third_party' end as source,
         r2 < 0.03 as rejected, r3 < 0.70 as to_grid, r4 < 0.03 as returned, r4 >= 0.03 and r4 < 0.06 as extended,
         r4 >= 0.06 and r4 < 0.07 as suspended, r5 < 0.05 as reworked, r5 >= 0.95 as open, r6 < 0.7 as simple,
         r7 < 0.5 as slot_a, r8 < 0.3 as rated
  from base b join syn_grids sg on sg.i = b.gi join syn_depts sd on sd.i = b.di join syn_cats sc on sc.i = b.ci
), t as (
  select o.*,
         case source when 'patrol' then case when slot_a then insp_a else insp_b end
           when 'third_party' then (select third_party from syn_people)
           else (select residents[1 + (k % array_length(residents, 1))] from syn_people) end as reporter,
         case when to_grid then case when slot_a then insp_a else insp_b end else dept_staff end as holder,
         t0 + interval '20 minutes' + case when returned then interval '20 minutes' else interval '0' end as d_at,
         (case when r6 < 0.85 then r6 * 17 else 15 + r6 * 60 end) * interval '1 minute' as sign_after,
         (r3 * 30 + 1) * interval '1 hour' as handle_after
  from o
)
select t.*,
       d_at + sign_after as s_at,
       d_at + case when simple then interval '24 hours' else interval '72 hours' end as due0,
       d_at + sign_after + handle_after as h1,
       d_at + sign_after + handle_after + case when reworked then interval '5 hours' else interval '1 hour' end as closed_at,
       ${month} as month
from t;
`;
}

/** The case rows of the planned month. */
const CASES = `
insert into cases (id, case_no, source, reporter_id, category_code, standard_ref, description, lat, lng, grid_code, community_code,
  street_code, district_code, location_path, state, complexity, responsible_code, responsible_path, clock_started_at, due_at,
  national_due_at, extended_hours, rework_count, return_count, rating_score, created_at, updated_at, closed_at, overdue_at)
select id, 'SYN' || lpad(month::text, 2, '0') || '-' || lpad(k::text, 6, '0'), source, reporter, cat, standard_ref, '合成案件', lat, lng,
  grid, community, street, district, gpath,
  case when rejected then 'rejected' when suspended then 'suspended' when open then 'in_progress' else 'closed' end,
  case when rejected then null when simple then 'simple' else 'complex' end,
  case when rejected then null when to_grid then grid else dept end,
  case when rejected then null when to_grid then gpath else dpath end,
  case when rejected then null else d_at end,
  case when rejected then null when extended then due0 + interval '24 hours' when reworked then h1 + interval '1 hour' + interval '24 hours' else due0 end,
  case when rejected then null else due0 + interval '24 hours' end,
  case when extended and not rejected then 24 else 0 end,
  case when reworked and not rejected and not suspended then 1 else 0 end,
  case when returned and not rejected then 1 else 0 end,
  case when not rejected and not suspended and not open and rated then 1 + floor(r2 * 1000)::int % 5 end,
  t0, t0,
  case when rejected then t0 + interval '10 minutes' when suspended or open then null else closed_at end,
  case when rejected or suspended then null
       when open or closed_at > (case when extended then due0 + interval '24 hours' else due0 end) then
         case when extended then due0 + interval '24 hours' else due0 end end
from syn_plan;
`;

/** The events of the planned month's cases: seq follows the optional steps each case took. */
const EVENTS = `
insert into case_events (case_id, seq, action, from_state, to_state, actor_id, actor_role, at, data)
select p.id, e.seq, e.action, e.from_state, e.to_state, e.actor, e.role, e.at, e.data
from syn_plan p
cross join lateral (select (case when p.returned then 2 else 0 end) as ro, (case when p.extended then 2 else 0 end) as eo) off
cross join lateral (values
  (true, 1, 'submit', null, 'submitted', p.reporter, case p.source when 'patrol' then 'inspector' when 'third_party' then 'third_party' else 'resident' end, p.t0, '{}'::jsonb),
  (p.rejected, 2, 'reject', 'submitted', 'rejected', p.dispatcher, 'district', p.t0 + interval '10 minutes', '{}'::jsonb),
  (not p.rejected, 2, 'register', 'submitted', 'registered', p.dispatcher, 'district', p.t0 + interval '10 minutes', '{}'::jsonb),
  (not p.rejected and p.returned, 3, 'dispatch', 'registered', 'dispatched', p.dispatcher, 'district', p.t0 + interval '20 minutes',
     jsonb_build_object('to', p.grid, 'toLevel', 'grid', 'complexity', 'simple', 'dueAt', p.due0)),
  (not p.rejected and p.returned, 4, 'return', 'dispatched', 'registered', p.holder, 'inspector', p.t0 + interval '30 minutes', jsonb_build_object('from', p.grid)),
  (not p.rejected, 3 + off.ro, 'dispatch', 'registered', 'dispatched', p.dispatcher, 'district', p.d_at,
     jsonb_build_object('to', case when p.to_grid then p.grid else p.dept end, 'toLevel', case when p.to_grid then 'grid' else 'department' end,
       'complexity', case when p.simple then 'simple' else 'complex' end, 'dueAt', p.due0)),
  (not p.rejected, 4 + off.ro, 'sign', 'dispatched', 'in_progress', p.holder, case when p.to_grid then 'inspector' else 'department' end, p.s_at,
     jsonb_build_object('by', case when p.to_grid then p.grid else p.dept end)),
  (not p.rejected and p.extended, 5 + off.ro, 'request-extension', 'in_progress', 'in_progress', p.holder, 'inspector', p.s_at + interval '1 hour', '{"hours":24}'::jsonb),
  (not p.rejected and p.extended, 6 + off.ro, 'decide-extension', 'in_progress', 'in_progress', p.dispatcher, 'district', p.s_at + interval '2 hours',
     jsonb_build_object('approved', true, 'hours', 24, 'dueAt', p.due0 + interval '24 hours')),
  (not p.rejected and p.suspended, 5 + off.ro + off.eo, 'suspend', 'in_progress', 'suspended', p.dispatcher, 'district', p.s_at + interval '3 hours', '{}'::jsonb),
  (not (p.rejected or p.suspended or p.open), 5 + off.ro + off.eo, 'handle', 'in_progress', 'handled',
     case when p.source = 'patrol' and p.to_grid and p.r2 < 0.5 then p.reporter else p.holder end,
     case when p.to_grid then 'inspector' else 'department' end, p.h1, '{"photoIds":[]}'::jsonb),
  (not (p.rejected or p.suspended or p.open) and p.reworked, 6 + off.ro + off.eo, 'verify', 'handled', 'in_progress', p.dispatcher, 'district',
     p.h1 + interval '1 hour', jsonb_build_object('passed', false, 'rework', 1, 'dueAt', p.h1 + interval '25 hours')),
  (not (p.rejected or p.suspended or p.open) and p.reworked, 7 + off.ro + off.eo, 'handle', 'in_progress', 'handled', p.holder,
     case when p.to_grid then 'inspector' else 'department' end, p.h1 + interval '4 hours', '{"photoIds":[]}'::jsonb),
  (not (p.rejected or p.suspended or p.open), 6 + off.ro + off.eo + case when p.reworked then 2 else 0 end, 'verify', 'handled', 'closed',
     p.dispatcher, 'district', p.closed_at, '{"passed":true}'::jsonb),
  (not (p.rejected or p.suspended or p.open) and p.rated, 7 + off.ro + off.eo + case when p.reworked then 2 else 0 end, 'rate', 'closed', 'closed',
     p.reporter, 'resident', p.closed_at + interval '2 hours', jsonb_build_object('score', 1 + floor(p.r2 * 1000)::int % 5))
) as e(keep, seq, action, from_state, to_state, actor, role, at, data)
where e.keep;
`;

/**
 * Synthesises one month per entry of `monthStarts` (timestamptz literals), `perDay` cases a day, one
 * transaction each; logs progress.
 */
export async function synthesise(client: pg.Client, monthStarts: string[], log: (s: string) => void, perDay = CASES_PER_DAY): Promise<void> {
  // Rows are valid by construction; skipping the foreign-key triggers keeps the load to minutes (superuser:
  // https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-SESSION-REPLICATION-ROLE).
  await client.query('set session_replication_role = replica');
  await client.query('set work_mem = \'256MB\'');
  await client.query(LOOKUPS);
  for (const [m, start] of monthStarts.entries()) {
    const t = Date.now();
    await client.query('begin');
    await client.query(plan(m, start, perDay));
    await client.query(CASES);
    const ev = await client.query(EVENTS);
    await client.query('commit');
    log(`  month ${start.slice(0, 7)}: ${perDay * DAYS_PER_MONTH} cases, ${ev.rowCount} events in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  await client.query('drop table if exists syn_plan, syn_grids, syn_depts, syn_cats, syn_people');
  await client.query('set session_replication_role = origin');
  // Statistics for the planner, and the visibility map for index-only scans of the bare count.
  await client.query('vacuum analyze cases');
  await client.query('vacuum analyze case_events');
}
