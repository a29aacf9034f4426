import type { Role, UserDto } from '@finecity/types'

const HANDLERS: Role[] = ['inspector', 'community', 'street', 'district', 'city', 'department']
const CONSOLE: Role[] = ['community', 'street', 'district', 'city', 'third_party', 'admin']

export const has = (u: UserDto | null, roles: Role[]): boolean => !!u && u.roles.some((r) => roles.includes(r))
/** Has an inbox of cases to act on (GET /api/v1/tasks). */
export const isHandler = (u: UserDto | null): boolean => has(u, HANDLERS)
/** Uses the wide staff console: queue, dispatch, extensions, verification. */
export const usesConsole = (u: UserDto | null): boolean => has(u, CONSOLE)
/**
 * Patrol staff report what they find and check in on site (巡查上报, 日巡查): grid inspectors (source 'patrol'),
 * third-party companies' inspectors ('third_party') and enforcement members ('enforcement'; issue 11).
 */
export const patrols = (u: UserDto | null): boolean => has(u, ['inspector', 'third_party', 'enforcement'])
export const isLeader = (u: UserDto | null): boolean => has(u, ['leader', 'city', 'district', 'street', 'admin'])
/** Runs the admin console: roster, audit log, duty rota, working calendar (packages/admin). */
export const isAdmin = (u: UserDto | null): boolean => has(u, ['admin'])
/** 12319 话务员: files cases for callers at the 话务台 (packages/staff/pages/hotline). */
export const isOperator = (u: UserDto | null): boolean => has(u, ['hotline'])
