import type { Role, UserDto } from '@finecity/types'

const HANDLERS: Role[] = ['inspector', 'community', 'street', 'district', 'city', 'department']
const CONSOLE: Role[] = ['community', 'street', 'district', 'city', 'third_party', 'admin']

export const has = (u: UserDto | null, roles: Role[]): boolean => !!u && u.roles.some((r) => roles.includes(r))
/** Has an inbox of cases to act on (GET /api/v1/tasks). */
export const isHandler = (u: UserDto | null): boolean => has(u, HANDLERS)
/** Uses the wide staff console: queue, dispatch, extensions, verification. */
export const usesConsole = (u: UserDto | null): boolean => has(u, CONSOLE)
/** Grid inspectors report what they find on patrol (巡查上报; the server records source 'patrol'). */
export const patrols = (u: UserDto | null): boolean => has(u, ['inspector'])
export const isLeader = (u: UserDto | null): boolean => has(u, ['leader', 'city', 'district', 'street', 'admin'])
/** Runs the admin console: roster, audit log, duty rota, working calendar (packages/admin). */
export const isAdmin = (u: UserDto | null): boolean => has(u, ['admin'])
