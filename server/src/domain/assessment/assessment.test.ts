import { describe, expect, it } from '@jest/globals';
import type { Indicators } from '@finecity/types';
import { AppError } from '../errors.js';
import { addCounts, indicatorsOf, ZERO_COUNTS } from './indicators.js';
import { askedPeriod, periodAt, periodBounds, periodEnded, previousPeriod } from './periods.js';
import { compositeScore, rank, type Weights } from './score.js';

const codeOf = (f: () => unknown): string | null => {
  try {
    f();
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
};

describe('assessment periods (Beijing time, ISO 8601 weeks)', () => {
  it('bounds a month from Beijing midnight to Beijing midnight', () => {
    const b = periodBounds('month', '2026-11');
    expect(b.start.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(b.end.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(b.label).toBe('2026年11月');
  });

  it('bounds days, quarters and years, December rolling into the next year', () => {
    expect(periodBounds('day', '2026-12-31').end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    const q4 = periodBounds('quarter', '2026-Q4');
    expect([q4.start.toISOString(), q4.end.toISOString(), q4.label]).toEqual(['2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z', '2026年第四季度']);
    expect(periodBounds('year', '2026').end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('has a week 53 only in ISO years that start on a Thursday (or Wednesday in a leap year)', () => {
    // 2020 began on a Wednesday and was a leap year; 2026 begins on a Thursday: both have 53 weeks.
    const w = periodBounds('week', '2020-W53');
    expect(w.start.toISOString()).toBe('2020-12-27T16:00:00.000Z'); // Monday 28 December, Beijing
    expect(w.end.toISOString()).toBe('2021-01-03T16:00:00.000Z');
    expect(periodBounds('week', '2026-W53').start.toISOString()).toBe('2026-12-27T16:00:00.000Z');
    expect(codeOf(() => periodBounds('week', '2025-W53'))).toBe('assessment.period_invalid');
    expect(codeOf(() => periodBounds('week', '2027-W53'))).toBe('assessment.period_invalid');
    expect(codeOf(() => periodBounds('week', '2026-W00'))).toBe('assessment.period_invalid');
  });

  it('refuses an `at` that does not fit the period or the calendar', () => {
    for (const [p, at] of [['month', '2026-13'], ['month', '2026-11-01'], ['day', '2026-02-30'], ['quarter', '2026-Q5'], ['year', '26'], ['week', '2026-11']] as const) {
      expect(codeOf(() => periodBounds(p, at))).toBe('assessment.period_invalid');
    }
  });

  it('finds the period an instant lies in by the Beijing calendar', () => {
    // 2026-11-30 23:59 UTC is already 1 December in Beijing.
    expect(periodAt('month', new Date('2026-11-30T15:59:59Z'))).toBe('2026-11');
    expect(periodAt('month', new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
    expect(periodAt('week', new Date('2027-01-01T04:00:00Z'))).toBe('2026-W53');
    expect(periodAt('week', new Date('2021-01-01T04:00:00Z'))).toBe('2020-W53');
    expect(periodAt('quarter', new Date('2026-09-30T16:30:00Z'))).toBe('2026-Q4');
    expect(previousPeriod('month', new Date('2026-12-01T01:00:00Z')).at).toBe('2026-11');
    expect(previousPeriod('week', new Date('2027-01-05T01:00:00Z')).at).toBe('2026-W53');
  });

  it('refuses periods that have not started, allows one in progress, and knows when one is over', () => {
    const now = new Date('2026-11-15T00:00:00Z');
    expect(codeOf(() => askedPeriod('month', '2026-12', now))).toBe('assessment.future_period');
    const current = askedPeriod('month', '2026-11', now);
    expect(periodEnded(current, now)).toBe(false);
    expect(periodEnded(current, new Date('2026-11-30T16:00:00Z'))).toBe(true);
  });
});

describe('indicators, score and rank', () => {
  it('derives rates with one decimal, null without a denominator', () => {
    const ind = indicatorsOf({ ...ZERO_COUNTS, due: 3, closed: 2, closedOnTime: 1, handled: 3, rework: 1 });
    expect(ind).toMatchObject({ closeRate: 66.7, onTimeRate: 50, reworkRate: 33.3, satisfactionRate: null, avgHandlingHours: null });
    expect(addCounts({ ...ZERO_COUNTS, closed: 2 }, { ...ZERO_COUNTS, closed: 3 }).closed).toBe(5);
  });

  const weights: Weights = { onTimeRate: { weight: 30, better: 'higher' }, closeRate: { weight: 15, better: 'higher' }, reworkRate: { weight: 10, better: 'lower' } };
  const ind = (o: Partial<Indicators>): Indicators => ({ ...indicatorsOf(ZERO_COUNTS), ...o });

  it('weighs only the indicators that apply, lower-is-better ones as 100 − rate', () => {
    // (30·90 + 15·80 + 10·(100 − 10)) / (30 + 15 + 10) = 4800 / 55 = 87.27…
    expect(compositeScore(ind({ onTimeRate: 90, closeRate: 80, reworkRate: 10 }), weights)).toBe(87.3);
    // Without a rework base: (30·90 + 15·80) / 45 = 86.66…
    expect(compositeScore(ind({ onTimeRate: 90, closeRate: 80 }), weights)).toBe(86.7);
    expect(compositeScore(ind({}), weights)).toBeNull();
  });

  it('ranks by score, then 按期结案率, fewer 超期数, more 结案数; full ties share a rank (1, 2, 2, 4)', () => {
    const row = (code: string, score: number | null, o: Partial<Indicators> = {}) => ({ orgNodeCode: code, score, indicators: ind({ onTimeRate: 80, overdue: 1, closed: 5, ...o }) });
    const ranked = rank([row('d', 70), row('c', 80), row('a', 90), row('b', 80), row('z', null)]);
    expect(ranked.map((r) => [r.orgNodeCode, r.rank])).toEqual([['a', 1], ['b', 2], ['c', 2], ['d', 4], ['z', null]]);
    const broken = rank([row('a', 80, { onTimeRate: 70 }), row('b', 80, { overdue: 2 }), row('c', 80), row('d', 80, { closed: 6 })]);
    expect(broken.map((r) => [r.orgNodeCode, r.rank])).toEqual([['d', 1], ['c', 2], ['b', 3], ['a', 4]]);
  });
});
