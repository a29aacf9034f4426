// Property-based tests of the case machine (fast-check, https://fast-check.dev/): random command sequences,
// each decided on the case as the previous decisions left it, never break the machine's invariants.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CASE_ACTIONS, CASE_STATES, ERROR_STATUS, type CaseAction, type CaseState } from '@finecity/types';
import type { CaseCommand } from '../../server/src/domain/case-commands.js';
import type { Actor, CaseClock, CaseSnapshot } from '../../server/src/domain/case-model.js';
import { TRANSITIONS, actionsFrom, availableActions, decide, type Decision } from '../../server/src/domain/case-machine.js';
import { AppError } from '../../server/src/domain/errors.js';
import { fuzzProfile } from './support/profile.js';

const profile = fuzzProfile();
const HOUR = 3600_000;
const START = new Date('2026-11-02T01:00:00Z').getTime();
const ACTOR: Actor = { id: 'u-1', role: 'city', orgNodeCode: '210200' };

const clock = (at: number, hours: number): CaseClock => ({
  startedAt: new Date(at), dueAt: new Date(at + hours * HOUR), calendar: 'natural', nationalDueAt: new Date(at + 2 * hours * HOUR), nationalCalendar: 'working',
});

const text = fc.string({ minLength: 1, maxLength: 20 });

/** A command for any action, with fields as the use cases resolve them (and some they would refuse). */
function commandArb(at: number): fc.Arbitrary<CaseCommand> {
  const c = clock(at, 24);
  return fc.oneof(
    fc.record({ action: fc.constant('register' as const), note: fc.option(text, { nil: undefined }), category: fc.option(fc.record({ code: fc.constantFrom('06010', '01001', '99999'), standardRef: fc.constant('GB/T 47678.5') }), { nil: undefined }) }),
    fc.record({ action: fc.constant('reject' as const), note: text }),
    fc.record({ action: fc.constant('merge' as const), intoCaseId: fc.constantFrom('case-1', 'case-2'), intoCaseNo: fc.constant('DL2026000002') }),
    fc.record({ action: fc.constant('dispatch' as const), targetCode: fc.constantFrom('210202001', '210203'), targetLevel: fc.constantFrom('street', 'district'), complexity: fc.constantFrom('simple', 'complex', 'difficult'), clock: fc.constant(c) }),
    fc.record({ action: fc.constant('sign' as const), squad: fc.boolean() }),
    fc.record({ action: fc.constant('return' as const), note: text }),
    fc.record({ action: fc.constant('escalate' as const), parentCode: fc.constant('210202'), note: text }),
    fc.record({ action: fc.constant('handle' as const), photoIds: fc.array(fc.uuid(), { maxLength: 2 }) }),
    fc.record({ action: fc.constant('request-extension' as const), hours: fc.integer({ min: 1, max: 240 }), note: text }),
    fc.record({ action: fc.constant('decide-extension' as const), approved: fc.boolean(), extendedClock: fc.constant(clock(at, 48)) }),
    fc.record({ action: fc.constant('suspend' as const), note: text }),
    fc.record({ action: fc.constant('verify' as const), passed: fc.boolean(), reworkClock: fc.constant(clock(at, 12)) }),
    fc.record({ action: fc.constant('reopen' as const), note: text }),
    fc.record({ action: fc.constant('rate' as const), score: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ action: fc.constant('supervise' as const), note: text, dueAt: fc.option(fc.integer({ min: -48, max: 48 }).map((h) => new Date(at + h * HOUR)), { nil: undefined }) }),
  ) as fc.Arbitrary<CaseCommand>;
}

/** What the repository does with a decision: the patch onto the row, one version more. */
function save(c: CaseSnapshot, d: Decision): CaseSnapshot {
  const p = d.patch;
  return {
    ...c,
    state: p.state,
    version: c.version + 1,
    ...(p.complexity !== undefined ? { complexity: p.complexity } : {}),
    ...(p.categoryCode !== undefined ? { categoryCode: p.categoryCode } : {}),
    ...(p.responsibleCode !== undefined ? { responsibleCode: p.responsibleCode } : {}),
    ...(p.pendingExtension !== undefined ? { pendingExtension: p.pendingExtension } : {}),
    ...(p.extendedHours !== undefined ? { extendedHours: p.extendedHours } : {}),
    ...(p.reworkCount !== undefined ? { reworkCount: p.reworkCount } : {}),
    ...(p.ratingScore !== undefined ? { ratingScore: p.ratingScore } : {}),
    ...(p.closedAt !== undefined ? { closedAt: p.closedAt } : {}),
  };
}

const fresh = (): CaseSnapshot => ({
  id: 'case-1', state: 'submitted', version: 1, reporterId: 'u-r', categoryCode: '06010', complexity: null, responsibleCode: null,
  pendingExtension: null, reworkCount: 0, extendedHours: 0, ratingScore: null, closedAt: null,
});

const TERMINAL: readonly CaseState[] = ['rejected', 'merged'];

describe(`the case machine under random command sequences (${profile.propertyRuns} runs, seed ${profile.seed})`, () => {
  it('keeps every invariant: known states, the table\'s transitions only, a consistent event log, typed refusals', () => {
    const steps = fc.array(fc.integer({ min: 0, max: 24 * 40 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(steps, fc.infiniteStream(commandArb(START)), (timeline, commands) => {
        let c = fresh();
        let at = START;
        const log: Decision['event'][] = [];
        const it = commands[Symbol.iterator]();
        for (const gap of timeline) {
          at += gap * 3 * 60_000; // from together to two days apart
          const now = new Date(at);
          const cmd = it.next().value as CaseCommand;
          const allowedByTable = TRANSITIONS[cmd.action].from.includes(c.state);
          const offered = availableActions(c, now);
          expect(actionsFrom(c.state)).toEqual(expect.arrayContaining(offered));
          if (TERMINAL.includes(c.state)) expect(offered).toEqual([]);
          if (c.state === 'closed') expect(offered.every((a) => a === 'reopen' || a === 'rate')).toBe(true);
          let d: Decision;
          try {
            d = decide(c, cmd, ACTOR, now);
          } catch (err) {
            // A refusal is typed: a code the HTTP layer maps, and never 'internal' for a command the use case could send.
            expect(err).toBeInstanceOf(AppError);
            const code = (err as AppError).code;
            expect(Object.keys(ERROR_STATUS)).toContain(code);
            expect(code).not.toBe('internal');
            if (!allowedByTable) expect(code).toBe('case.transition_not_allowed');
            if (code === 'case.transition_not_allowed') expect(allowedByTable).toBe(false);
            continue;
          }
          expect(allowedByTable).toBe(true);
          expect(CASE_STATES).toContain(d.patch.state);
          expect(TRANSITIONS[cmd.action].to).toContain(d.patch.state);
          expect(d.event).toMatchObject({ action: cmd.action, fromState: c.state, toState: d.patch.state });
          expect(d.effects[0]).toMatchObject({ kind: 'notify', payload: { caseId: c.id, version: c.version + 1 } });
          if (!offered.includes(cmd.action as CaseAction)) throw new Error(`${cmd.action} was accepted in ${c.state} although availableActions did not offer it`);
          if (log.length) expect(d.event.fromState).toBe(log[log.length - 1]!.toState);
          log.push(d.event);
          c = save(c, d);
          if (c.state === 'closed' || TERMINAL.includes(c.state)) expect(c.closedAt).not.toBeNull();
        }
      }),
      { numRuns: profile.propertyRuns, seed: profile.seed },
    );
  });

  it('refuses every action the table does not allow from each state, whatever the command says', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASE_STATES), commandArb(START), (state, cmd) => {
        fc.pre(!TRANSITIONS[cmd.action].from.includes(state));
        expect(() => decide({ ...fresh(), state }, cmd, ACTOR, new Date(START))).toThrow(expect.objectContaining({ code: 'case.transition_not_allowed' }));
      }),
      { numRuns: profile.propertyRuns, seed: profile.seed },
    );
    expect(CASE_ACTIONS.length).toBe(Object.keys(TRANSITIONS).length);
  });
});
