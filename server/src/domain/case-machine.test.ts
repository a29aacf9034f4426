import { describe, expect, it } from '@jest/globals';
import { CASE_ACTIONS, CASE_STATES, REOPEN_WINDOW_DAYS, type CaseAction, type CaseState } from '@finecity/types';
import type { CaseCommand, CommandOf } from './case-commands.js';
import type { Actor, CaseClock, CaseSnapshot } from './case-model.js';
import { CLOCK_RECOMPUTED, TRANSITIONS, actionsFrom, availableActions, decide, recomputeClock, type Decision, type Effect } from './case-machine.js';
import { AppError } from './errors.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-11-27T10:00:00+08:00');

const ACTOR: Actor = { id: 'u-street-1', role: 'street', orgNodeCode: '210202001' };

const clockFrom = (startedAt: Date, hours: number): CaseClock => ({
  startedAt,
  dueAt: new Date(startedAt.getTime() + hours * HOUR),
  calendar: 'natural',
  nationalDueAt: new Date(startedAt.getTime() + 2 * hours * HOUR),
  nationalCalendar: 'working',
});

function snapshot(state: CaseState, over: Partial<CaseSnapshot> = {}): CaseSnapshot {
  return {
    id: 'case-1',
    state,
    version: 4,
    reporterId: 'u-resident-1',
    categoryCode: '01001',
    complexity: 'simple',
    responsibleCode: '210202001',
    pendingExtension: null,
    reworkCount: 0,
    extendedHours: 0,
    ratingScore: null,
    closedAt: null,
    ...over,
  };
}

/** A snapshot in `state` whose in-state guards all favour `action` (so only the state decides). */
function readyFor(state: CaseState, action: CaseAction): CaseSnapshot {
  if (action === 'decide-extension') {
    return snapshot(state, { pendingExtension: { hours: 24, reason: '材料未到', requestedBy: 'u-unit-1' } });
  }
  if (action === 'reopen') return snapshot(state, { closedAt: new Date(NOW.getTime() - DAY) });
  return snapshot(state);
}

/** Valid commands for an action; actions with alternative outcomes get one command per outcome. */
function commandsFor(action: CaseAction): CaseCommand[] {
  const clock = clockFrom(NOW, 24);
  switch (action) {
    case 'register':
      return [{ action, note: '受理' }];
    case 'reject':
      return [{ action, note: '不属于城市管理范围' }];
    case 'merge':
      return [{ action, intoCaseId: 'case-2', intoCaseNo: 'DL20261127-000002' }];
    case 'dispatch':
      return [{ action, targetCode: '210202001', targetLevel: 'street', complexity: 'simple', clock }];
    case 'sign':
      return [{ action }];
    case 'return':
      return [{ action, note: '不属本单位' }];
    case 'escalate':
      return [{ action, parentCode: '210202', note: '需区级协调' }];
    case 'handle':
      return [{ action, photoIds: ['photo-after-1'] }];
    case 'request-extension':
      return [{ action, hours: 24, note: '材料未到' }];
    case 'decide-extension':
      return [
        { action, approved: true, extendedClock: clockFrom(NOW, 48) },
        { action, approved: false },
      ];
    case 'suspend':
      return [{ action, note: '涉及产权纠纷' }];
    case 'verify':
      return [
        { action, passed: true },
        { action, passed: false, reworkClock: clock },
      ];
    case 'reopen':
      return [{ action, note: '问题复发' }];
    case 'rate':
      return [{ action, score: 5, comment: '满意' }];
    case 'supervise':
      return [{ action, note: '请今日内办结', dueAt: new Date(NOW.getTime() + DAY) }, { action, note: '请加快处置' }];
  }
}

const commandFor = <A extends CaseAction>(action: A): CommandOf<A> => commandsFor(action)[0] as CommandOf<A>;

/** The AppError code decide() throws, or null when it decides. */
function outcome(c: CaseSnapshot, cmd: CaseCommand, now: Date = NOW): string | null {
  try {
    decide(c, cmd, ACTOR, now);
    return null;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return err.code;
  }
}

function expectAppError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(AppError);
  expect((thrown as AppError).code).toBe(code);
}

const timerEffects = (d: Decision): Effect[] => d.effects.filter((e) => e.kind !== 'notify');

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !(o instanceof Date)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const CROSS = CASE_STATES.flatMap((state) => CASE_ACTIONS.map((action) => [state, action] as const));

describe('the transition table is the law', () => {
  it.each(CROSS)('from %s, %s is decided exactly as TRANSITIONS says', (state, action) => {
    const row = TRANSITIONS[action];
    for (const cmd of commandsFor(action)) {
      const c = readyFor(state, action);
      if (row.from.includes(state)) {
        const d = decide(c, cmd, ACTOR, NOW);
        expect(row.to).toContain(d.patch.state);
        expect(d.event).toMatchObject({ action, fromState: state, toState: d.patch.state });
      } else {
        expectAppError(() => decide(c, cmd, ACTOR, NOW), 'case.transition_not_allowed');
      }
    }
  });

  it('a refused transition names the state, the action and the states it is allowed from', () => {
    let thrown: unknown;
    try {
      decide(snapshot('closed'), commandFor('sign'), ACTOR, NOW);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).details).toEqual({ state: 'closed', action: 'sign', allowedFrom: TRANSITIONS.sign.from });
  });

  it('checks the state before any in-state guard (handle without photos from the wrong state is a transition error)', () => {
    const noPhotos: CaseCommand = { action: 'handle', photoIds: [] };
    for (const state of CASE_STATES.filter((s) => !TRANSITIONS.handle.from.includes(s))) {
      expectAppError(() => decide(snapshot(state), noPhotos, ACTOR, NOW), 'case.transition_not_allowed');
    }
  });

  it('every action can start from some state and every state but the final ones has a way out', () => {
    for (const action of CASE_ACTIONS) expect(TRANSITIONS[action].from.length).toBeGreaterThan(0);
    const terminal = CASE_STATES.filter((s) => actionsFrom(s).length === 0);
    expect(terminal.sort()).toEqual(['merged', 'rejected']);
  });

  it('actionsFrom(state) lists exactly the actions whose row starts from that state', () => {
    for (const state of CASE_STATES) {
      expect(actionsFrom(state).sort()).toEqual(CASE_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state)).sort());
    }
  });
});

describe('availableActions agrees with decide', () => {
  const variants: [string, Partial<CaseSnapshot>][] = [
    ['plain', {}],
    ['extension pending', { pendingExtension: { hours: 12, reason: '等待', requestedBy: 'u-unit-1' } }],
    ['rated, closed 1 day ago', { ratingScore: 4, closedAt: new Date(NOW.getTime() - DAY) }],
    ['closed 1 day ago', { closedAt: new Date(NOW.getTime() - DAY) }],
    ['closed 8 days ago', { closedAt: new Date(NOW.getTime() - 8 * DAY) }],
  ];
  const cases = CASE_STATES.flatMap((state) => variants.map(([name, over]) => [state, name, over] as const));

  it.each(cases)('in %s (%s) it lists exactly the actions decide accepts', (state, _name, over) => {
    const c = snapshot(state, over);
    const accepted = CASE_ACTIONS.filter((a) => outcome(c, commandFor(a)) === null);
    expect([...availableActions(c, NOW)].sort()).toEqual([...accepted].sort());
  });
});

describe('what each decision records', () => {
  it.each(CROSS.filter(([state, action]) => TRANSITIONS[action].from.includes(state)))(
    'from %s, %s carries an event and a case.<action> notification first',
    (state, action) => {
      for (const cmd of commandsFor(action)) {
        const c = readyFor(state, action);
        const d = decide(c, cmd, ACTOR, NOW);
        expect(d.event.fromState).toBe(state);
        expect(d.event.toState).toBe(d.patch.state);
        expect(d.effects[0]).toMatchObject({
          kind: 'notify',
          topic: `case.${action}`,
          payload: { caseId: c.id, version: c.version + 1, action, fromState: state, toState: d.patch.state },
        });
        expect(d.effects.filter((e) => e.kind === 'notify')).toHaveLength(1);
      }
    },
  );

  it.each(CROSS.filter(([state, action]) => TRANSITIONS[action].from.includes(state)))(
    'from %s, %s never mutates the snapshot or the command',
    (state, action) => {
      for (const cmd of commandsFor(action)) {
        const c = readyFor(state, action);
        const before = structuredClone(c);
        const cmdBefore = structuredClone(cmd);
        expect(() => decide(deepFreeze(c), deepFreeze(cmd), ACTOR, NOW)).not.toThrow();
        expect(c).toEqual(before);
        expect(cmd).toEqual(cmdBefore);
      }
    },
  );

  it('takes the event note from the command, and a rating comment as the note', () => {
    expect(decide(snapshot('submitted'), { action: 'reject', note: '重复' }, ACTOR, NOW).event.note).toBe('重复');
    expect(decide(snapshot('dispatched'), { action: 'sign' }, ACTOR, NOW).event.note).toBeNull();
    const rated = decide(snapshot('closed', { closedAt: NOW }), { action: 'rate', score: 3, comment: '一般' }, ACTOR, NOW);
    expect(rated.event.note).toBe('一般');
    expect(decide(snapshot('closed', { closedAt: NOW }), { action: 'rate', score: 3 }, ACTOR, NOW).event.note).toBeNull();
  });
});

describe('register, reject and merge', () => {
  it('register classifies a 待分类 channel ticket, and refuses to register it unclassified (issue 11)', () => {
    const unclassified = snapshot('submitted', { categoryCode: 'DL-000' });
    expect(() => decide(unclassified, { action: 'register' }, ACTOR, NOW)).toThrow(expect.objectContaining({ code: 'category.unclassified' }));
    expect(() => decide(unclassified, { action: 'register', category: { code: 'DL-000', standardRef: 'DL-local' } }, ACTOR, NOW)).toThrow(AppError);
    const d = decide(unclassified, { action: 'register', category: { code: '06010', standardRef: 'GB/T 47678.5-2026' } }, ACTOR, NOW);
    expect(d.patch).toEqual({ state: 'registered', categoryCode: '06010', standardRef: 'GB/T 47678.5-2026' });
    expect(d.event.data).toEqual({ categoryCode: '06010', fromCategoryCode: 'DL-000' });
    // A classified case registers as before; naming its own category changes nothing.
    expect(decide(snapshot('submitted'), { action: 'register' }, ACTOR, NOW).patch).toEqual({ state: 'registered' });
    expect(decide(snapshot('submitted'), { action: 'register', category: { code: '01001', standardRef: 'x' } }, ACTOR, NOW).patch).toEqual({ state: 'registered' });
  });

  it('reject closes the case at now', () => {
    const d = decide(snapshot('submitted'), commandFor('reject'), ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'rejected', closedAt: NOW });
  });

  it('merge points the case at the surviving one and tells who it went to', () => {
    const d = decide(snapshot('registered'), { action: 'merge', intoCaseId: 'case-9', intoCaseNo: 'DL20261127-000009' }, ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'merged', mergedIntoId: 'case-9', closedAt: NOW });
    expect(d.event.data).toEqual({ intoCaseId: 'case-9', intoCaseNo: 'DL20261127-000009' });
    expect(d.effects[0]!.payload).toMatchObject({ intoCaseId: 'case-9' });
  });

  it('merge into itself → case.merge_target_invalid', () => {
    const c = snapshot('submitted');
    expectAppError(() => decide(c, { action: 'merge', intoCaseId: c.id, intoCaseNo: 'DL20261127-000001' }, ACTOR, NOW), 'case.merge_target_invalid');
  });
});

describe('dispatch, sign, return, escalate', () => {
  it('dispatch sets the responsible unit, the complexity and the clock, and starts the timer', () => {
    const clock = clockFrom(NOW, 72);
    const c = snapshot('registered', { responsibleCode: null, complexity: null });
    const d = decide(c, { action: 'dispatch', targetCode: '210203004', targetLevel: 'street', complexity: 'complex', clock }, ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'dispatched', responsibleCode: '210203004', complexity: 'complex', clock });
    expect(timerEffects(d)).toEqual([
      { kind: 'timer.start', payload: { dueAt: clock.dueAt.toISOString(), startedAt: clock.startedAt.toISOString(), calendar: 'natural' } },
    ]);
    expect(d.event.data).toMatchObject({ to: '210203004', toLevel: 'street', complexity: 'complex', dueAt: clock.dueAt.toISOString() });
  });

  it('re-dispatching a dispatched case moves it to the new unit with a new clock', () => {
    const clock = clockFrom(NOW, 24);
    const c = snapshot('dispatched', { responsibleCode: '210202001' });
    const d = decide(c, { action: 'dispatch', targetCode: '210202002', targetLevel: 'community', complexity: 'simple', clock }, ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'dispatched', responsibleCode: '210202002', clock });
  });

  it('dispatching a suspended case resumes it and drops any stale extension request', () => {
    const c = snapshot('suspended', { pendingExtension: { hours: 8, reason: 'x', requestedBy: 'u' } });
    const d = decide(c, commandFor('dispatch'), ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'dispatched', pendingExtension: null });
    expect(timerEffects(d).map((e) => e.kind)).toEqual(['timer.start']);
  });

  it('sign starts work and keeps the holder', () => {
    const d = decide(snapshot('dispatched', { responsibleCode: '210202001' }), commandFor('sign'), ACTOR, NOW);
    expect(d.patch.state).toBe('in_progress');
    expect(d.patch.responsibleCode).toBeUndefined();
    expect(d.event.data).toEqual({ by: '210202001' });
  });

  it('return clears the holder and the clock, counts the return and stops the timer', () => {
    const d = decide(snapshot('dispatched', { responsibleCode: '210202001' }), commandFor('return'), ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'registered', responsibleCode: null, clock: null, returnCount: 'increment' });
    expect(timerEffects(d)).toEqual([{ kind: 'timer.stop', payload: {} }]);
    expect(d.event.data).toEqual({ from: '210202001' });
  });

  it.each(['dispatched', 'in_progress'] as const)('escalate from %s moves the holder to the given parent and counts it', (state) => {
    const d = decide(snapshot(state, { responsibleCode: '210202001' }), { action: 'escalate', parentCode: '210202', note: '协调' }, ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'dispatched', responsibleCode: '210202', escalationCount: 'increment' });
    expect(d.patch.clock).toBeUndefined();
    expect(d.event.data).toEqual({ from: '210202001', to: '210202' });
  });
});

describe('handle and extensions', () => {
  it('handle without after-photos → photo.missing', () => {
    expectAppError(() => decide(snapshot('in_progress'), { action: 'handle', photoIds: [] }, ACTOR, NOW), 'photo.missing');
  });

  it('handle with photos moves to handled and records the photos', () => {
    const d = decide(snapshot('in_progress'), { action: 'handle', photoIds: ['p1', 'p2'] }, ACTOR, NOW);
    expect(d.patch.state).toBe('handled');
    expect(d.event.data).toEqual({ photoIds: ['p1', 'p2'] });
  });

  it('request-extension records a pending request by the actor; a second one → case.extension_pending', () => {
    const c = snapshot('in_progress');
    const first = decide(c, { action: 'request-extension', hours: 12, note: '等材料' }, ACTOR, NOW);
    expect(first.patch).toEqual({ state: 'in_progress', pendingExtension: { hours: 12, reason: '等材料', requestedBy: ACTOR.id } });
    const after = { ...c, pendingExtension: first.patch.pendingExtension! };
    expectAppError(() => decide(after, { action: 'request-extension', hours: 6, note: '再等' }, ACTOR, NOW), 'case.extension_pending');
  });

  it('decide-extension without a pending request → case.no_pending_extension', () => {
    expectAppError(
      () => decide(snapshot('in_progress'), { action: 'decide-extension', approved: true, extendedClock: clockFrom(NOW, 48) }, ACTOR, NOW),
      'case.no_pending_extension',
    );
    expectAppError(() => decide(snapshot('in_progress'), { action: 'decide-extension', approved: false }, ACTOR, NOW), 'case.no_pending_extension');
  });

  it('an approved extension moves the clock, accumulates extendedHours and restarts the timer', () => {
    const c = snapshot('in_progress', { extendedHours: 12, pendingExtension: { hours: 24, reason: '等材料', requestedBy: 'u' } });
    const extended = clockFrom(new Date(NOW.getTime() - 10 * HOUR), 58);
    const d = decide(c, { action: 'decide-extension', approved: true, extendedClock: extended }, ACTOR, NOW);
    expect(d.patch).toEqual({ state: 'in_progress', pendingExtension: null, extendedHours: 36, clock: extended });
    expect(timerEffects(d)).toEqual([
      { kind: 'timer.start', payload: { dueAt: extended.dueAt.toISOString(), startedAt: extended.startedAt.toISOString(), calendar: 'natural' } },
    ]);
    expect(d.event.data).toEqual({ approved: true, hours: 24, dueAt: extended.dueAt.toISOString() });
  });

  it('a refused extension only clears the request', () => {
    const c = snapshot('in_progress', { extendedHours: 12, pendingExtension: { hours: 24, reason: '等材料', requestedBy: 'u' } });
    const d = decide(c, { action: 'decide-extension', approved: false }, ACTOR, NOW);
    expect(d.patch).toEqual({ state: 'in_progress', pendingExtension: null });
    expect(timerEffects(d)).toEqual([]);
    expect(d.event.data).toEqual({ approved: false, hours: 24 });
  });

  it.each(['dispatched', 'in_progress'] as const)('suspend from %s parks the case, drops a pending request and stops the timer', (state) => {
    const d = decide(snapshot(state, { pendingExtension: { hours: 8, reason: 'x', requestedBy: 'u' } }), commandFor('suspend'), ACTOR, NOW);
    expect(d.patch).toMatchObject({ state: 'suspended', pendingExtension: null });
    expect(timerEffects(d)).toEqual([{ kind: 'timer.stop', payload: {} }]);
  });
});

describe('verify, reopen, rate', () => {
  it('verify false sends the case back to work with reworkCount+1 and a new clock', () => {
    const rework = clockFrom(NOW, 24);
    const d = decide(snapshot('handled', { reworkCount: 2 }), { action: 'verify', passed: false, reworkClock: rework }, ACTOR, NOW);
    expect(d.patch).toEqual({ state: 'in_progress', reworkCount: 3, clock: rework });
    expect(timerEffects(d).map((e) => e.kind)).toEqual(['timer.start']);
    expect(d.event.data).toEqual({ passed: false, rework: 3, dueAt: rework.dueAt.toISOString() });
  });

  it('verify true closes the case at now and stops the timer', () => {
    const d = decide(snapshot('handled'), { action: 'verify', passed: true }, ACTOR, NOW);
    expect(d.patch).toEqual({ state: 'closed', closedAt: NOW });
    expect(timerEffects(d)).toEqual([{ kind: 'timer.stop', payload: {} }]);
  });

  it('reopen within the window goes back to registered, unheld, unclocked and unrated', () => {
    const c = snapshot('closed', { closedAt: new Date(NOW.getTime() - 6 * DAY), ratingScore: 2 });
    const d = decide(c, commandFor('reopen'), ACTOR, NOW);
    expect(d.patch).toEqual({ state: 'registered', responsibleCode: null, clock: null, closedAt: null, ratingScore: null, ratingComment: null });
  });

  it(`reopen is allowed up to exactly ${REOPEN_WINDOW_DAYS} days after closing and refused after`, () => {
    const closedAt = new Date(NOW.getTime() - 3 * DAY);
    const c = snapshot('closed', { closedAt });
    const edge = new Date(closedAt.getTime() + REOPEN_WINDOW_DAYS * DAY);
    expect(outcome(c, commandFor('reopen'), edge)).toBeNull();
    expect(outcome(c, commandFor('reopen'), new Date(edge.getTime() + 1))).toBe('case.reopen_window_passed');
    expect(outcome(c, commandFor('reopen'), new Date(closedAt.getTime() + 8 * DAY))).toBe('case.reopen_window_passed');
  });

  it('reopen of a closed case without a close time → case.reopen_window_passed', () => {
    expect(outcome(snapshot('closed', { closedAt: null }), commandFor('reopen'))).toBe('case.reopen_window_passed');
  });

  it('rate records score and comment; rating twice → case.already_rated', () => {
    const c = snapshot('closed', { closedAt: NOW });
    const d = decide(c, { action: 'rate', score: 4, comment: '及时' }, ACTOR, NOW);
    expect(d.patch).toEqual({ state: 'closed', ratingScore: 4, ratingComment: '及时' });
    expect(d.event.data).toEqual({ score: 4 });
    const rated = { ...c, ratingScore: d.patch.ratingScore!, ratingComment: d.patch.ratingComment };
    expectAppError(() => decide(rated, { action: 'rate', score: 1 }, ACTOR, NOW), 'case.already_rated');
  });
});

describe('supervise (督办)', () => {
  it.each(['registered', 'dispatched', 'in_progress', 'handled', 'suspended'] as const)('keeps a %s case in its state and records the note and due time', (state) => {
    const dueAt = new Date(NOW.getTime() + 6 * HOUR);
    const d = decide(snapshot(state), { action: 'supervise', note: '请今日内办结', dueAt }, ACTOR, NOW);
    expect(d.patch).toEqual({ state, supervision: { at: NOW, dueAt } });
    expect(d.event).toMatchObject({ action: 'supervise', fromState: state, toState: state, note: '请今日内办结', data: { note: '请今日内办结', dueAt: dueAt.toISOString() } });
    expect(d.effects).toEqual([expect.objectContaining({ kind: 'notify', topic: 'case.supervise' })]);
  });

  it('without a due time records dueAt null', () => {
    const d = decide(snapshot('dispatched'), { action: 'supervise', note: '请加快处置' }, ACTOR, NOW);
    expect(d.patch.supervision).toEqual({ at: NOW, dueAt: null });
    expect(d.event.data).toEqual({ note: '请加快处置', dueAt: null });
  });

  it('a due time not after now → supervision.invalid', () => {
    expectAppError(() => decide(snapshot('dispatched'), { action: 'supervise', note: '请加快', dueAt: NOW }, ACTOR, NOW), 'supervision.invalid');
  });

  it.each(['submitted', 'closed', 'rejected', 'merged'] as const)('a %s case cannot be supervised', (state) => {
    expectAppError(() => decide(snapshot(state), { action: 'supervise', note: '请加快' }, ACTOR, NOW), 'case.transition_not_allowed');
  });
});

describe('a whole life', () => {
  it('a case walks submitted → closed → reopened → closed again through the machine alone', () => {
    let c = snapshot('submitted', { responsibleCode: null, complexity: null });
    const step = (cmd: CaseCommand, at: Date = NOW): Decision => {
      const d = decide(c, cmd, ACTOR, at);
      const { returnCount: _r, escalationCount: _e, mergedIntoId: _m, clock: _c, ...fields } = d.patch;
      c = { ...c, ...fields, version: c.version + 1 } as CaseSnapshot;
      return d;
    };
    const path: CaseState[] = [];
    for (const cmd of [
      commandFor('register'),
      commandFor('dispatch'),
      commandFor('sign'),
      commandFor('request-extension'),
      { action: 'decide-extension', approved: true, extendedClock: clockFrom(NOW, 48) } as CaseCommand,
      commandFor('handle'),
      { action: 'verify', passed: false, reworkClock: clockFrom(NOW, 24) } as CaseCommand,
      commandFor('handle'),
      { action: 'verify', passed: true } as CaseCommand,
      commandFor('rate'),
      commandFor('reopen'),
    ]) {
      path.push(step(cmd).patch.state);
    }
    expect(path).toEqual([
      'registered',
      'dispatched',
      'in_progress',
      'in_progress',
      'in_progress',
      'handled',
      'in_progress',
      'handled',
      'closed',
      'closed',
      'registered',
    ]);
    expect(c).toMatchObject({ reworkCount: 1, extendedHours: 24, ratingScore: null, closedAt: null, responsibleCode: null });
  });
});

describe('a running clock re-computed on a new working calendar', () => {
  const before = { ...clockFrom(NOW, 24), calendar: 'working' as const };
  const later = (d: Date, hours: number) => new Date(d.getTime() + hours * HOUR);

  it('keeps the state, records both deadlines before and after, and re-arms the timers from the new Dalian deadline', () => {
    const after = { ...before, dueAt: later(before.dueAt, 24), nationalDueAt: later(before.nationalDueAt, 24) };
    const r = recomputeClock('in_progress', before, after, 2031);
    expect(r.event).toMatchObject({
      action: CLOCK_RECOMPUTED, fromState: 'in_progress', toState: 'in_progress',
      data: { year: 2031, dueAtBefore: before.dueAt.toISOString(), dueAtAfter: after.dueAt.toISOString(), nationalDueAtAfter: after.nationalDueAt.toISOString(), moved: ['dalian', 'national'] },
    });
    expect(r.event.note).toMatch(/2031年/);
    expect(r.effects).toEqual([{ kind: 'timer.start', payload: { dueAt: after.dueAt.toISOString(), startedAt: before.startedAt.toISOString(), calendar: 'working' } }]);
  });

  it('arms no timer when only the national clock (which has none) moved', () => {
    const r = recomputeClock('dispatched', before, { ...before, nationalDueAt: later(before.nationalDueAt, 8) }, 2031);
    expect(r.effects).toEqual([]);
    expect(r.event.data.moved).toEqual(['national']);
  });
});
