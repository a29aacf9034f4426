import { and, asc, eq, isNotNull, ne } from 'drizzle-orm';
import type { Role } from '@finecity/types';
import type { StaffStatus, WecomStaffDirectory } from '../../usecases/wecom-login.js';
import { pgAuditLog } from './audit-repository.js';
import type { Db } from './database.js';
import { users } from './schema.js';

/** Staff by WeCom userid (users.wecom_userid, unique). */
export function pgWecomStaffDirectory(db: Db): WecomStaffDirectory {
  return {
    async byWecomUserid(userid) {
      const rows = await db
        .select({ id: users.id, name: users.name, roles: users.roles, orgNodeCode: users.orgNodeCode, dutySlot: users.dutySlot, openid: users.openid, status: users.status })
        .from(users)
        .where(eq(users.wecomUserid, userid));
      const r = rows[0];
      if (!r) return null;
      return {
        user: { id: r.id, name: r.name, roles: r.roles as Role[], orgNodeCode: r.orgNodeCode, dutySlot: r.dutySlot === 'A' || r.dutySlot === 'B' ? r.dutySlot : null, openid: r.openid },
        status: r.status as StaffStatus,
      };
    },
    activate(userId, audit) {
      return db.transaction(async (tx) => {
        const changed = await tx.update(users).set({ status: 'active' }).where(and(eq(users.id, userId), eq(users.status, 'invited'))).returning({ id: users.id });
        if (!changed.length) return false;
        await pgAuditLog(tx).record(audit);
        return true;
      });
    },
    async withWecomUserid(limit) {
      const rows = await db
        .select({ userid: users.wecomUserid, name: users.name, orgNodeCode: users.orgNodeCode })
        .from(users)
        .where(and(isNotNull(users.wecomUserid), ne(users.status, 'deactivated')))
        .orderBy(asc(users.name))
        .limit(limit);
      return rows.map((r) => ({ userid: r.userid!, name: r.name, orgNodeCode: r.orgNodeCode }));
    },
  };
}
