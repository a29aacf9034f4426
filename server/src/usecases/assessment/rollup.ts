import type { Deps } from '../deps.js';
import { addDays, beijingDate } from '../../domain/shanghai-time.js';
import { countingRules } from './scorecards.js';

/**
 * The indicator engine's day rollup (issue 10; adapters/postgres/assessment-rollup.ts says what it holds).
 * The worker job rolls up, once a day, every day of the last `lookbackDays` that is missing, stale or counted
 * under other rules; re-running a day replaces it. A day the job has not done is counted live, so a fresh
 * install or a stopped worker never gives other figures, only slower ones.
 */
export const ROLLUP_LOOKBACK_DAYS = 45;

export async function rollUpRecentDays(deps: Pick<Deps, 'assessment' | 'policy' | 'clock'>, lookbackDays = ROLLUP_LOOKBACK_DAYS): Promise<{ days: number }> {
  const now = deps.clock.now();
  const rules = countingRules(deps.policy);
  const today = beijingDate(now);
  const todo = await deps.assessment.daysToRollUp(addDays(today, -lookbackDays), today, rules);
  let days = 0;
  // One call per run of consecutive days.
  for (let i = 0; i < todo.length; ) {
    let j = i + 1;
    while (j < todo.length && todo[j] === addDays(todo[j - 1]!, 1)) j++;
    days += await deps.assessment.rollUpDays(todo[i]!, addDays(todo[j - 1]!, 1), rules, now);
    i = j;
  }
  return { days };
}

/** Backfills (or recomputes) the Beijing days [from, to), YYYY-MM-DD: history, or after a rules change. */
export async function rollUpHistory(deps: Pick<Deps, 'assessment' | 'policy' | 'clock'>, from: string, to: string): Promise<{ days: number }> {
  return { days: await deps.assessment.rollUpDays(from, to, countingRules(deps.policy), deps.clock.now()) };
}
