import { describe, expect, it } from '@jest/globals';
import type { CheckInDto } from '@finecity/types';
import { makeCalendar } from './calendar.js';
import { decide } from './case-machine.js';
import type { Actor, CaseClock, CaseSnapshot } from './case-model.js';
import { clockStatus, warningTimes } from './deadlines.js';
import { AppError } from './errors.js';
import { arrival, isSquad, minutesText, squadClock } from './squad-clock.js';

const MIN = 60_000;
const NOW = new Date('2026-11-27T10:00:00+08:00');
const REPAIR = { arriveMinutes: 5, fixMinutes: 59 };
const STREET = { arriveMinutes: 30, fixMinutes: 30 };
/** The category's clock: 24 working hours on Dalian's, 48 on the national one. */
const CATEGORY: CaseClock = {
  startedAt: NOW,
  dueAt: new Date(NOW.getTime() + 3 * 24 * 60 * MIN),
  calendar: 'working',
  nationalDueAt: new Date(NOW.getTime() + 5 * 24 * 60 * MIN),
  nationalCalendar: 'working',
};
const SQUAD: Actor = { id: 'u-squad-1', role: 'department', orgNodeCode: 'QS-210202' };
const ON_SITE: CheckInDto = { lat: 38.91, lng: 121.61, distanceM: 12, onSite: true };
const AWAY: CheckInDto = { lat: 38.92, lng: 121.62, distanceM: 1480, onSite: false };

function snapshot(over: Partial<CaseSnapshot> = {}): CaseSnapshot {
  return {
    id: 'case-1', state: 'dispatched', version: 3, reporterId: null, categoryCode: '01001', complexity: 'simple', responsibleCode: 'QS-210202',
    pendingExtension: null, reworkCount: 0, extendedHours: 0, ratingScore: null, closedAt: null, ...over,
  };
}

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('a squad clock', () => {
  it('gives a repair squad 59 natural minutes to fix and 5 to arrive, and keeps the national clock of the category', () => {
    const c = squadClock(CATEGORY, REPAIR, NOW);
    expect(c).toEqual({
      startedAt: NOW,
      dueAt: new Date(NOW.getTime() + 59 * MIN),
      calendar: 'natural',
      nationalDueAt: CATEGORY.nationalDueAt,
      nationalCalendar: 'working',
      arriveDueAt: new Date(NOW.getTime() + 5 * MIN),
    });
  });

  it('gives a street squad 30 minutes for both', () => {
    const c = squadClock(CATEGORY, STREET, NOW);
    expect([c.dueAt.getTime() - NOW.getTime(), c.arriveDueAt!.getTime() - NOW.getTime()]).toEqual([30 * MIN, 30 * MIN]);
  });

  it('sets no arrival deadline for a rework (the squad is already on the case)', () => {
    const c = squadClock(CATEGORY, REPAIR, NOW, false);
    expect(c.arriveDueAt).toBeUndefined();
    expect(c.dueAt.getTime() - NOW.getTime()).toBe(59 * MIN);
  });

  it('knows the squad unit types from the others', () => {
    expect(['repair_squad', 'street_squad', 'department', null, undefined, 'grid'].map(isSquad)).toEqual([true, true, false, false, false, false]);
  });

  it('writes minutes as minutes', () => {
    expect([5, 30, 59, 60, 90].map(minutesText)).toEqual(['5分钟', '30分钟', '59分钟', '1小时', '1小时30分钟']);
  });
});

describe('warnings on a minute clock', () => {
  // A Saturday evening in the October holidays: a squad's natural clock does not stop for rest days.
  const start = new Date('2026-10-03T19:00:00+08:00');
  const cal = makeCalendar({ holidays: new Set(['2026-10-03']), workdays: new Set(), workingHours: [['08:30', '12:00'], ['13:00', '17:30']], coveredYears: new Set([2026]) });
  const warn = { yellow: 0.5, red: 0.8 };

  it('turns yellow at 29.5 minutes, red at 47.2 and overdue at 59 on a repair squad clock', () => {
    const c = squadClock({ ...CATEGORY, startedAt: start }, REPAIR, start);
    const w = warningTimes(cal, c, warn);
    expect([w.yellowAt, w.redAt, w.overdueAt].map((d) => (d.getTime() - start.getTime()) / 1000)).toEqual([29.5 * 60, 47.2 * 60, 59 * 60]);
    const after = (s: number) => clockStatus(cal, c, new Date(start.getTime() + s * 1000), warn).level;
    expect([after(29.5 * 60 - 1), after(29.5 * 60), after(47.2 * 60 - 1), after(47.2 * 60), after(59 * 60 - 1), after(59 * 60)])
      .toEqual(['green', 'yellow', 'yellow', 'red', 'red', 'overdue']);
  });

  it('turns yellow at 15 minutes, red at 24 and overdue at 30 on a street squad clock', () => {
    const w = warningTimes(cal, squadClock(CATEGORY, STREET, start), warn);
    expect([w.yellowAt, w.redAt, w.overdueAt].map((d) => (d.getTime() - start.getTime()) / MIN)).toEqual([15, 24, 30]);
  });
});

describe('arrival is the on-site sign', () => {
  it('records the sign time as the arrival of a squad signing on site', () => {
    expect(arrival(true, ON_SITE, NOW)).toEqual({ arrivedAt: NOW });
  });

  it('refuses a squad signing without a location, telling it to sign on site', () => {
    const r = refusal(() => arrival(true, undefined, NOW));
    expect(r.code).toBe('squad.not_arrived');
    expect(r.message).toMatch(/现场/);
    expect(r.message).toMatch(/定位/);
  });

  it('refuses a squad signing away from the site, with the distance in metres', () => {
    const r = refusal(() => arrival(true, AWAY, NOW));
    expect(r).toEqual({ code: 'squad.not_arrived', message: expect.stringContaining('1480 米') });
  });

  it('leaves other units free to sign without a location', () => {
    expect(arrival(false, undefined, NOW)).toEqual({});
  });
});

describe("a squad's case in the machine", () => {
  it('dispatch stores the arrival deadline, clears an earlier arrival and starts both timers', () => {
    const clock = squadClock(CATEGORY, REPAIR, NOW);
    const d = decide(snapshot({ state: 'registered', responsibleCode: null }), { action: 'dispatch', targetCode: 'QS-210202', targetLevel: 'department', complexity: 'simple', clock }, SQUAD, NOW);
    expect(d.patch).toMatchObject({ arriveDueAt: clock.arriveDueAt, arrivedAt: null, clock });
    expect(d.effects.find((e) => e.kind === 'timer.start')!.payload).toEqual({
      dueAt: clock.dueAt.toISOString(), startedAt: NOW.toISOString(), calendar: 'natural', arriveDueAt: clock.arriveDueAt!.toISOString(),
    });
    expect(d.event.data).toMatchObject({ arriveDueAt: clock.arriveDueAt!.toISOString() });
  });

  it('dispatch to any other unit clears the arrival deadline', () => {
    const d = decide(snapshot(), { action: 'dispatch', targetCode: '210202001', targetLevel: 'street', complexity: 'simple', clock: CATEGORY }, SQUAD, NOW);
    expect(d.patch).toMatchObject({ arriveDueAt: null, arrivedAt: null });
    expect(d.effects.find((e) => e.kind === 'timer.start')!.payload).not.toHaveProperty('arriveDueAt');
  });

  it('sign on site starts work and records the arrival; without a location it changes nothing', () => {
    const d = decide(snapshot(), { action: 'sign', checkIn: ON_SITE, squad: true }, SQUAD, NOW);
    expect(d.patch).toEqual({ state: 'in_progress', arrivedAt: NOW });
    expect(refusal(() => decide(snapshot(), { action: 'sign', squad: true }, SQUAD, NOW)).code).toBe('squad.not_arrived');
  });

  it('a sign by a unit that is not a squad records no arrival', () => {
    expect(decide(snapshot({ responsibleCode: '210202001' }), { action: 'sign' }, SQUAD, NOW).patch).toEqual({ state: 'in_progress' });
  });
});
