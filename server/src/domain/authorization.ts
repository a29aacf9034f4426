import type { CaseAction, Role } from '@finecity/types';

/**
 * Who may do what, and where. One declarative table read by the code and the tests.
 *
 * Scopes, always relative to the caller's org node and its subtree:
 * - `own`: the caller reported the case or follows it (a merged duplicate's reporter);
 * - `area`: the case lies in the caller's subtree, or is currently held by a unit in it;
 * - `held`: the case is currently held (responsible) by a unit in the caller's subtree;
 * - `holder`: the case is held by the caller's own unit. Signing for a task, handling it, returning or
 *   escalating it and asking for more time belong to the people of the unit that holds it, never to a
 *   dispatcher above it;
 * - `contract`: the case lies in a grid the caller's third-party company is contracted for (issue 11);
 * - `contract_verify`: the same, while the contract is in force and lets the company verify (第三方核查).
 * A case outside the scope does not exist for the caller (404); inside it, a missing permission is 403.
 */
export type Scope = 'own' | 'area' | 'held' | 'holder' | 'contract' | 'contract_verify';
/** `photo.publish` (issue 13): mark a case photo public; faces and plates make it a decision for district staff. */
export type Permission = 'case.read' | 'report.create' | 'photo.publish' | CaseAction;

type Grants = Partial<Record<Permission, Scope>>;

// The task belongs to the unit that holds it: only its people sign, return, escalate, handle or ask for more
// time. A dispatcher above it re-dispatches or decides instead (SUPERVISING).
const HANDLING: Grants = { sign: 'holder', return: 'holder', escalate: 'holder', handle: 'holder', 'request-extension': 'holder' };
const SUPERVISING: Grants = { dispatch: 'area', 'decide-extension': 'area', verify: 'area' };
const PLATFORM: Grants = { register: 'area', reject: 'area', merge: 'area', suspend: 'area' };
// 督办 (Dalian 2018-125: leaders 调度、督办、问责): leaders and the city and district platforms, in their area.
const SUPERVISION: Grants = { supervise: 'area' };

export const POLICY: Readonly<Record<Role, Grants>> = {
  resident: { 'case.read': 'own', 'report.create': 'own', reopen: 'own', rate: 'own' },
  inspector: { 'case.read': 'area', 'report.create': 'own', ...HANDLING },
  community: { 'case.read': 'area', 'report.create': 'own', ...HANDLING, ...SUPERVISING },
  street: { 'case.read': 'area', 'report.create': 'own', ...HANDLING, ...SUPERVISING, suspend: 'area' },
  district: { 'case.read': 'area', 'report.create': 'own', ...HANDLING, ...SUPERVISING, ...PLATFORM, ...SUPERVISION, 'photo.publish': 'area' },
  city: { 'case.read': 'area', 'report.create': 'own', ...HANDLING, ...SUPERVISING, ...PLATFORM, ...SUPERVISION, 'photo.publish': 'area' },
  department: { 'case.read': 'held', ...HANDLING },
  // 第三方采集员: find (发现) in the grids their company is contracted for, and re-check fixes (第三方核查) there
  // only when the contract says so. No area read: no city-level stats, no cases outside the contract.
  third_party: { 'case.read': 'contract', 'report.create': 'own', verify: 'contract_verify' },
  leader: { 'case.read': 'area', ...SUPERVISION },
  admin: { 'case.read': 'area' },
  // 12319 话务员: files cases for callers and follows them up; reads what the call centre filed (issue 11).
  hotline: { 'case.read': 'own', 'report.create': 'own' },
  // 执法队员: enforcement patrols find and report in their area (their finds measure the companies' 漏查).
  enforcement: { 'case.read': 'area', 'report.create': 'own' },
};

/** The facts about a case and a caller that scopes are judged on. */
export interface ScopeFacts {
  isReporterOrFollower: boolean;
  /** Case location or current holder lies within the caller's subtree. */
  inArea: boolean;
  /** Current holder lies within the caller's subtree. */
  heldInArea: boolean;
  /** The current holder is the caller's own unit (implies heldInArea). */
  heldByOwnUnit: boolean;
  /** The case's grid is one the caller's company is contracted for (false for callers without a company). */
  inContract?: boolean;
  /** inContract, the contract is in force today and lets the company verify. */
  contractVerifies?: boolean;
}

export function scopeHolds(scope: Scope, f: ScopeFacts): boolean {
  if (scope === 'own') return f.isReporterOrFollower;
  if (scope === 'area') return f.inArea;
  if (scope === 'holder') return f.heldByOwnUnit;
  if (scope === 'contract') return f.inContract === true;
  if (scope === 'contract_verify') return f.contractVerifies === true;
  return f.heldInArea;
}

export function grantFor(roles: readonly Role[], permission: Permission, f: ScopeFacts): boolean {
  return roles.some((r) => {
    const scope = POLICY[r][permission];
    return scope !== undefined && scopeHolds(scope, f);
  });
}

/** Visible at all? Out-of-scope cases answer 404, never 403, so their existence does not leak. */
export function canSee(roles: readonly Role[], f: ScopeFacts): boolean {
  if (grantFor(roles, 'case.read', f)) return true;
  // A reporter always sees their own report, whatever staff role they also hold.
  return f.isReporterOrFollower;
}

export function rolesWith(permission: Permission): Role[] {
  return (Object.keys(POLICY) as Role[]).filter((r) => POLICY[r][permission] !== undefined);
}
