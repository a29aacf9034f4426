// `npm run bench` (PostgreSQL only): the indicator engine on a year of history. Synthesises, once, 3.6 million
// cases (12 months × 30 design days × 10,000) with their events in a dedicated database
// (finecity_bench_assessment, reused when already synthesised), then times AssessmentQueries.rawCounts for one
// month (300,000 cases) at each level, beside a bare `count(*)` of the month's cases, and the street-level XLSX
// export. Before timing it builds the day rollup of the whole history (assessment-rollup.ts), timed, unless it is
// already built. Prints figures; asserts no timing (the exit code is 1 only when the rollup's answer differs from
// the direct computation). Flags: --runs <n> (5), --resynth, --synth-only (stop after synthesising),
// --rebuild-rollup, --levels district,street,… (all), --direct district,… (also time the direct computation of
// these levels and compare; '' for none), --no-xlsx (skip the export).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { AssessmentLevel } from '@finecity/types';
import { migrate, openPostgres, type Database } from '../../server/src/adapters/postgres/database.js';
import { seedIfEmpty } from '../../server/src/adapters/postgres/seed.js';
import { loadPolicy } from '../../server/src/city-policy.js';
import type { AssessmentQueries, CountingRules } from '../../server/src/usecases/assessment/ports.js';
import { CASES_PER_DAY, DAYS_PER_MONTH, synthesise } from './assessment-synth.js';
import { adminQuery, redact, withDatabase } from './db-admin.js';

const DB_NAME = CASES_PER_DAY === 10_000 ? 'finecity_bench_assessment' : `finecity_bench_assessment_${CASES_PER_DAY}`;
/** Beijing month starts, December 2025 to November 2026; the timed month is October 2026. */
const MONTHS = Array.from({ length: 12 }, (_, i) => {
  const y = 2025 + Math.floor((11 + i) / 12);
  const m = ((11 + i) % 12) + 1;
  return `${y}-${String(m).padStart(2, '0')}-01 00:00:00+08`;
});
const TIMED = { start: new Date('2026-10-01T00:00:00+08:00'), end: new Date('2026-11-01T00:00:00+08:00') };
const LEVELS: AssessmentLevel[] = ['district', 'street', 'community', 'grid', 'department', 'squad', 'inspector', 'company'];
const RULES: CountingRules = {
  satisfiedAtLeast: 4,
  responseMinutes: { A: 15, B: 30 },
};

const log = (s: string) => process.stdout.write(`${s}\n`);

async function ensureDatabase(url: string, resynth: boolean): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [DB_NAME])).rowCount! > 0;
  await admin.end();
  if (exists && resynth) await adminQuery(url, `drop database "${DB_NAME}"`);
  if (!exists || resynth) await adminQuery(url, `create database "${DB_NAME}"`);
}

/** Migrates (a new index migration is applied here, and timed), seeds, and synthesises if not done yet. */
async function prepare(url: string): Promise<void> {
  const database = await openPostgres(url, 2);
  let t = performance.now();
  await migrate(database);
  log(`migrations applied in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await seedIfEmpty(database.db, loadPolicy('config'));
  await database.close();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const done = await client.query(`select value from app_meta where key = 'bench_synth'`);
    if (done.rowCount) {
      log(`history already synthesised: ${JSON.stringify(done.rows[0].value)}`);
      return;
    }
    log(`synthesising ${MONTHS.length} months × ${DAYS_PER_MONTH} days × ${CASES_PER_DAY} cases …`);
    t = performance.now();
    await synthesise(client, MONTHS, log);
    const seconds = Math.round((performance.now() - t) / 1000);
    const counts = await client.query('select (select count(*) from cases)::int as cases, (select count(*) from case_events)::int as events');
    const value = { ...counts.rows[0], seconds, at: new Date().toISOString() };
    await client.query(`insert into app_meta (key, value) values ('bench_synth', $1::jsonb)`, [JSON.stringify(value)]);
    log(`synthesised ${value.cases} cases and ${value.events} events in ${seconds} s`);
  } finally {
    await client.end();
  }
}

function stats(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95) };
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; p95: number; last: unknown }> {
  let last: unknown;
  last = await fn(); // warm-up, not counted
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  return { ...stats(ms), last };
}

/** The street scorecard as the XLSX export makes it: counts, indicators, scores, ranks, then the workbook. */
async function timeStreetXlsx(database: Database, q: AssessmentQueries, runs: number) {
  const { computeScorecard, scorecardWorkbook } = await import('../../server/src/usecases/assessment/scorecards.js');
  const { periodBounds } = await import('../../server/src/domain/assessment/periods.js');
  const { pgOrgDirectory } = await import('../../server/src/adapters/postgres/org-directory.js');
  const { excelSheets } = await import('../../server/src/adapters/spreadsheet/exceljs-sheets.js');
  const policy = loadPolicy('config');
  const org = await pgOrgDirectory(database.db);
  const deps = { org, policy, assessment: q, sheets: excelSheets() };
  const bounds = periodBounds('month', '2026-10');
  const city = org.all().find((n) => n.level === 'city')!.code;
  let units = 0;
  let bytes = 0;
  const r = await time(runs, async () => {
    const rows = await computeScorecard(deps, bounds, 'street', city);
    const card = {
      period: bounds.period, at: bounds.at, level: 'street' as const, label: bounds.label, formulaVersion: policy.assessment.formulaVersion,
      version: 0, published: false, publishedAt: null, reason: null, rows,
    };
    const buf = await scorecardWorkbook(deps, [card]);
    units = rows.length;
    bytes = buf.length;
  });
  return { ...r, units, bytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, resynth: { type: 'boolean', default: false }, levels: { type: 'string', default: LEVELS.join(',') }, 'no-xlsx': { type: 'boolean', default: false }, 'synth-only': { type: 'boolean', default: false }, 'rebuild-rollup': { type: 'boolean', default: false }, direct: { type: 'string', default: 'district' } } });
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = withDatabase(server, DB_NAME);
  log(`assessment bench on ${redact(url)}`);
  await ensureDatabase(server, values.resynth!);
  await prepare(url);
  if (values['synth-only']) return;
  const runs = Number(values.runs);
  const database = await openPostgres(url, 2);
  const { sql } = await import('drizzle-orm');
  const { pgAssessmentQueries } = await import('../../server/src/adapters/postgres/assessment-queries.js');
  const q = pgAssessmentQueries(database.db);
  const period = { rootPath: '/210200/', ...TIMED };
  try {
    // The day rollup of the history (what the worker's nightly job and its backfill keep), unless already built
    // under these rules; --rebuild-rollup times it again.
    const [first, last] = [MONTHS[0]!.slice(0, 10), '2026-12-01'];
    if (values['rebuild-rollup'] || (await q.daysToRollUp(first, last, RULES)).length > 0) {
      const t = performance.now();
      const days = await q.rollUpDays(first, last, RULES, new Date());
      const rows = await database.db.execute(sql`select count(*)::int as n from assessment_day_counts`);
      log(`rollup of ${days} days built in ${((performance.now() - t) / 1000).toFixed(1)} s (${(rows as unknown as { rows: { n: number }[] }).rows[0]!.n} rows)`);
    } else log('rollup already built for every day of the history');
    const base = await time(runs, () =>
      database.db.execute(sql`select count(*) from cases where created_at >= ${TIMED.start.toISOString()}::timestamptz and created_at < ${TIMED.end.toISOString()}::timestamptz`),
    );
    log(`\nmonth 2026-10, ${runs} runs each (after one warm-up), ms:`);
    log(`${'level'.padEnd(12)}${'units'.padStart(7)}${'median'.padStart(9)}${'p95'.padStart(9)}${'× bare'.padStart(9)}`);
    log(`${'bare count'.padEnd(12)}${''.padStart(7)}${base.median.toFixed(0).padStart(9)}${base.p95.toFixed(0).padStart(9)}`);
    const line: string[] = [`bare=${base.median.toFixed(0)}`];
    for (const level of values.levels!.split(',') as AssessmentLevel[]) {
      const r = await time(runs, () => q.rawCounts(level, period, RULES));
      const units = (r.last as unknown[]).length;
      log(`${level.padEnd(12)}${String(units).padStart(7)}${r.median.toFixed(0).padStart(9)}${r.p95.toFixed(0).padStart(9)}${(r.median / base.median).toFixed(1).padStart(9)}`);
      line.push(`${level}=${r.median.toFixed(0)}`);
    }
    // The reference (no rollup) for the levels asked, and whether the rollup's answer equals it.
    for (const level of values.direct!.split(',').filter(Boolean) as AssessmentLevel[]) {
      const r = await time(Math.min(runs, 2), () => q.directRawCounts(level, period, RULES));
      const rolled = await q.rawCounts(level, period, RULES);
      const same = JSON.stringify(rolled) === JSON.stringify(r.last);
      log(`${`${level} (direct)`.padEnd(19)}${r.median.toFixed(0).padStart(9)}${r.p95.toFixed(0).padStart(9)}${(r.median / base.median).toFixed(1).padStart(9)}   rollup answer ${same ? 'equal' : 'DIFFERENT'}`);
      line.push(`${level}_direct=${r.median.toFixed(0)}`, `${level}_equal=${same}`);
      if (!same) process.exitCode = 1;
    }
    const xlsx = !values['no-xlsx'] ? await timeStreetXlsx(database, q, runs) : null;
    if (xlsx) log(`${'street XLSX'.padEnd(12)}${String(xlsx.units).padStart(7)}${xlsx.median.toFixed(0).padStart(9)}${xlsx.p95.toFixed(0).padStart(9)}${(xlsx.median / base.median).toFixed(1).padStart(9)}   (${xlsx.bytes} bytes)`);
    if (xlsx) line.push(`street_xlsx=${xlsx.median.toFixed(0)}`);
    const district = line.find((l) => l.startsWith('district='));
    if (district) {
      const ms = Number(district.slice('district='.length));
      log(`\ndistrict scorecard: ${ms} ms against the goal of 2000 ms (${ms < 2000 ? 'met' : 'NOT met'}), ${(ms / base.median).toFixed(1)} × the bare count of the month`);
    }
    const [load1] = (await import('node:os')).loadavg();
    line.push(`load=${load1!.toFixed(2)}`);
    log(`\nbench: assessment db=postgres cases=${MONTHS.length * DAYS_PER_MONTH * CASES_PER_DAY} ${line.join(' ')} goal_district_ms=2000`);
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`assessment bench failed: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
