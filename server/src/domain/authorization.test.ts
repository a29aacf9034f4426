import { describe, expect, it } from '@jest/globals';
import { CASE_ACTIONS, ROLES, type CaseAction, type Role } from '@finecity/types';
import { POLICY, canSee, grantFor, rolesWith, scopeHolds, type Permission, type Scope, type ScopeFacts } from './authorization.js';

const NONE: ScopeFacts = { isReporterOrFollower: false, inArea: false, heldInArea: false, heldByOwnUnit: false };
const OWN: ScopeFacts = { ...NONE, isReporterOrFollower: true };
const AREA: ScopeFacts = { ...NONE, inArea: true };
/** Held in the caller's subtree implies "in area" (holder-in-subtree is part of the area rule). */
const HELD: ScopeFacts = { ...NONE, inArea: true, heldInArea: true };
/** Held by the caller's own unit implies held in its subtree. */
const HOLDER: ScopeFacts = { ...HELD, heldByOwnUnit: true };

/** Every combination of facts that can actually occur: heldByOwnUnit ⇒ heldInArea ⇒ inArea. */
const CONSISTENT_FACTS: ScopeFacts[] = [false, true].flatMap((isReporterOrFollower) =>
  [
    [false, false, false],
    [true, false, false],
    [true, true, false],
    [true, true, true],
  ].map(([inArea, heldInArea, heldByOwnUnit]) => ({ isReporterOrFollower, inArea: inArea!, heldInArea: heldInArea!, heldByOwnUnit: heldByOwnUnit! })),
);

const PERMISSIONS: Permission[] = ['case.read', 'report.create', 'photo.publish', ...CASE_ACTIONS];
const grantsOf = (role: Role): [Permission, Scope][] => Object.entries(POLICY[role]) as [Permission, Scope][];
const HANDLING_ACTIONS: CaseAction[] = ['sign', 'return', 'escalate', 'handle', 'request-extension'];

describe('the policy table', () => {
  it('has a row for every role and grants only known permissions', () => {
    expect(Object.keys(POLICY).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) for (const [perm] of grantsOf(role)) expect(PERMISSIONS).toContain(perm);
  });

  it('residents act only on their own cases: every resident grant has scope own', () => {
    expect(grantsOf('resident').length).toBeGreaterThan(0);
    for (const [, scope] of grantsOf('resident')) expect(scope).toBe('own');
    for (const perm of PERMISSIONS) {
      expect(grantFor(['resident'], perm, { isReporterOrFollower: false, inArea: true, heldInArea: true, heldByOwnUnit: true })).toBe(false);
    }
  });

  it('admin is read-only: its only permission is case.read', () => {
    expect(grantsOf('admin').map(([perm]) => perm)).toEqual(['case.read']);
    for (const action of CASE_ACTIONS) expect(grantFor(['admin'], action, HOLDER)).toBe(false);
  });

  it('a leader reads and supervises (督办) in their area, and does nothing else to a case', () => {
    expect(grantsOf('leader')).toEqual([['case.read', 'area'], ['supervise', 'area']]);
    for (const action of CASE_ACTIONS.filter((a) => a !== 'supervise')) expect(grantFor(['leader'], action, HOLDER)).toBe(false);
  });

  it('only leaders and the city and district platforms supervise (督办), within their area', () => {
    expect(rolesWith('supervise').sort()).toEqual(['city', 'district', 'leader']);
    for (const role of rolesWith('supervise')) {
      expect(grantFor([role], 'supervise', AREA)).toBe(true);
      expect(grantFor([role], 'supervise', OWN)).toBe(false);
    }
  });

  it.each(['register', 'reject', 'merge'] as const)('only district and city may %s', (action) => {
    expect(rolesWith(action).sort()).toEqual(['city', 'district']);
  });

  it('every case action is granted to at least one role (no dead action)', () => {
    for (const action of CASE_ACTIONS) expect(rolesWith(action).length).toBeGreaterThan(0);
  });

  it('every role may read cases in some scope', () => {
    expect(rolesWith('case.read').sort()).toEqual([...ROLES].sort());
  });

  it('handling actions are only ever granted on cases the caller holds', () => {
    for (const action of HANDLING_ACTIONS) {
      for (const role of rolesWith(action)) expect(['held', 'holder']).toContain(POLICY[role][action]);
    }
  });

  it('only the holding unit signs, handles, returns, escalates and asks for time: a dispatcher above it does not', () => {
    for (const action of HANDLING_ACTIONS) {
      for (const role of rolesWith(action)) {
        expect(POLICY[role][action]).toBe('holder');
        expect(grantFor([role], action, HELD)).toBe(false);
        expect(grantFor([role], action, HOLDER)).toBe(true);
      }
    }
  });

  it('departments see and act only on what they hold', () => {
    for (const [, scope] of grantsOf('department')) expect(['held', 'holder']).toContain(scope);
    expect(canSee(['department'], AREA)).toBe(false);
    expect(canSee(['department'], HELD)).toBe(true);
    for (const action of HANDLING_ACTIONS) {
      expect(grantFor(['department'], action, AREA)).toBe(false);
      expect(grantFor(['department'], action, HOLDER)).toBe(true);
    }
  });

  it('no role may act on a case it cannot see', () => {
    for (const role of ROLES) {
      for (const action of CASE_ACTIONS) {
        for (const f of CONSISTENT_FACTS) {
          if (grantFor([role], action, f)) expect(canSee([role], f)).toBe(true);
        }
      }
    }
  });
});

describe('scopeHolds', () => {
  const ALL_FACTS: ScopeFacts[] = [false, true].flatMap((a) =>
    [false, true].flatMap((b) => [false, true].flatMap((c) => [false, true].flatMap((d) => [false, true].flatMap((e) => [false, true].map((g) => ({
      isReporterOrFollower: a, inArea: b, heldInArea: c, heldByOwnUnit: d, inContract: e, contractVerifies: e && g,
    })))))),
  );
  const FACT_OF: Record<Scope, keyof ScopeFacts> = {
    own: 'isReporterOrFollower', area: 'inArea', held: 'heldInArea', holder: 'heldByOwnUnit', contract: 'inContract', contract_verify: 'contractVerifies',
  };

  it.each(['own', 'area', 'held', 'holder', 'contract', 'contract_verify'] as const)('scope %s depends on its own fact only', (scope) => {
    for (const f of ALL_FACTS) expect(scopeHolds(scope, f)).toBe(f[FACT_OF[scope]] === true);
  });
});

describe('grantFor', () => {
  it('needs both the permission and the scope', () => {
    expect(grantFor(['city'], 'dispatch', AREA)).toBe(true);
    expect(grantFor(['city'], 'dispatch', NONE)).toBe(false);
    expect(grantFor(['city'], 'dispatch', OWN)).toBe(false);
    expect(grantFor(['inspector'], 'dispatch', HELD)).toBe(false);
  });

  it('with no roles grants nothing', () => {
    for (const perm of PERMISSIONS) for (const f of CONSISTENT_FACTS) expect(grantFor([], perm, f)).toBe(false);
  });

  it('with several roles ORs them', () => {
    const roles: Role[] = ['resident', 'department'];
    const both: ScopeFacts = { isReporterOrFollower: true, inArea: true, heldInArea: true, heldByOwnUnit: true };
    // rate comes from the resident role, sign from the department role.
    expect(grantFor(['department'], 'rate', both)).toBe(false);
    expect(grantFor(['resident'], 'sign', both)).toBe(false);
    expect(grantFor(roles, 'rate', both)).toBe(true);
    expect(grantFor(roles, 'sign', both)).toBe(true);
    // Each grant still needs its own scope.
    expect(grantFor(roles, 'rate', HELD)).toBe(false);
    expect(grantFor(roles, 'sign', OWN)).toBe(false);
  });

  it('for any roles and facts equals "some single role grants it"', () => {
    const pairs = ROLES.flatMap((a) => ROLES.map((b) => [a, b] as const));
    for (const [a, b] of pairs) {
      for (const perm of PERMISSIONS) {
        for (const f of CONSISTENT_FACTS) {
          expect(grantFor([a, b], perm, f)).toBe(grantFor([a], perm, f) || grantFor([b], perm, f));
        }
      }
    }
  });
});

describe('canSee', () => {
  it('is false without any scope fact, for every role, even city', () => {
    expect(canSee(['city'], NONE)).toBe(false);
    expect(canSee([...ROLES], NONE)).toBe(false);
  });

  it('a reporter always sees their own case, whatever their roles', () => {
    expect(canSee([], OWN)).toBe(true);
    for (const role of ROLES) expect(canSee([role], OWN)).toBe(true);
  });

  it('area roles see cases in their area; residents do not', () => {
    for (const role of rolesWith('case.read').filter((r) => POLICY[r]['case.read'] === 'area')) {
      expect(canSee([role], AREA)).toBe(true);
    }
    expect(canSee(['resident'], HELD)).toBe(false);
  });
});

describe('photo.publish (issue 13)', () => {
  it('goes to district and city staff in their area, and to nobody else', () => {
    expect(rolesWith('photo.publish').sort()).toEqual(['city', 'district']);
    for (const role of rolesWith('photo.publish')) expect(POLICY[role]['photo.publish']).toBe('area');
  });
});
