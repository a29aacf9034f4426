// Names here are part of the public contract (mini-program, 12345 integration, assessment).

export const ROLES = [
  'resident',
  'inspector',
  'community',
  'street',
  'district',
  'city',
  'department',
  'third_party',
  'leader',
  'admin',
  // 12319 call-centre operator (话务员): files cases for callers (issue 11).
  'hotline',
  // 执法队员: enforcement patrols; their finds are marked so that a company's 漏查 can be counted (issue 11).
  'enforcement',
] as const;
export type Role = (typeof ROLES)[number];

export const CASE_STATES = [
  'submitted',
  'registered',
  'rejected',
  'merged',
  'dispatched',
  'in_progress',
  'handled',
  'closed',
  'suspended',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States in which a case still needs work; duplicates are searched among these. */
export const OPEN_STATES: readonly CaseState[] = ['submitted', 'registered', 'dispatched', 'in_progress', 'handled', 'suspended'];

export const CASE_ACTIONS = [
  'register',
  'reject',
  'merge',
  'dispatch',
  'sign',
  'return',
  'escalate',
  'handle',
  'request-extension',
  'decide-extension',
  'suspend',
  'verify',
  'reopen',
  'rate',
  // 督办: a leader, city or district operator presses the holder on an open case; the state stays.
  'supervise',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const COMPLEXITIES = ['simple', 'complex', 'urgent'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

export const ORG_LEVELS = ['city', 'district', 'street', 'community', 'grid', 'department'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

export const CASE_SOURCES = [
  'miniprogram',
  'patrol',
  'official_account',
  'hotline_12345',
  'third_party',
  'open311',
  // Issue 11: the 12319 城管服务热线 (partner platform or the call centre's console), 民意网, 民心网, enforcement patrols.
  'hotline_12319',
  'minyi',
  'minxin',
  'enforcement',
] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

/** Deadline colour as the clock runs: yellow at 50 %, red at 80 %, overdue past 100 % (defaults of config/time-limits.json `warn`). */
export const CLOCK_LEVELS = ['none', 'green', 'yellow', 'red', 'overdue', 'paused', 'stopped'] as const;
export type ClockLevel = (typeof CLOCK_LEVELS)[number];
