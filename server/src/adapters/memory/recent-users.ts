import type { UserDirectory, UserRecord } from '../../usecases/account-repositories.js';

/**
 * Every authenticated request loads its caller; a person's record changes rarely (an admin action), so
 * `byId` answers from the last few seconds' reads. A change reaches every API process within `ttlMs`;
 * the process that made it calls `forget` and sees it on the very next request.
 */
export function withRecentUsers(dir: UserDirectory, ttlMs: number, now: () => number = Date.now, max = 10_000): UserDirectory {
  const recent = new Map<string, { at: number; user: UserRecord }>();
  return {
    ...dir,
    async byId(id) {
      const hit = recent.get(id);
      if (hit && now() - hit.at < ttlMs) return hit.user;
      const user = await dir.byId(id);
      if (!user || ttlMs === 0) return user;
      if (recent.size >= max) recent.clear();
      recent.set(id, { at: now(), user });
      return user;
    },
    /** This process forgets the user at once (a deactivation); other processes see the change within `ttlMs`. */
    forget(id) {
      recent.delete(id);
      dir.forget?.(id);
    },
  };
}
