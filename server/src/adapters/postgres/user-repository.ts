import { eq, inArray } from 'drizzle-orm';
import type { Role, SandboxAccount } from '@finecity/types';
import type { UserDirectory, UserRecord } from '../../usecases/account-repositories.js';
import type { DbOrTx } from './database.js';
import { appMeta, orgNodes, users } from './schema.js';

const columns = { id: users.id, name: users.name, roles: users.roles, orgNodeCode: users.orgNodeCode, dutySlot: users.dutySlot, openid: users.openid, status: users.status, companyId: users.companyId, tokensRevokedAt: users.tokensRevokedAt };
type Row = { id: string; name: string; roles: string[]; orgNodeCode: string | null; dutySlot: string | null; openid: string | null; status: string; companyId: string | null; tokensRevokedAt: Date | null };
const STATUSES = new Set(['invited', 'active', 'deactivated', 'deleted']);

const asRecord = (r: Row): UserRecord => ({
  id: r.id, name: r.name, roles: r.roles as Role[], orgNodeCode: r.orgNodeCode,
  dutySlot: r.dutySlot === 'A' || r.dutySlot === 'B' ? r.dutySlot : null, openid: r.openid,
  status: STATUSES.has(r.status) ? (r.status as UserRecord['status']) : 'active',
  companyId: r.companyId,
  tokensRevokedAt: r.tokensRevokedAt,
});

export function pgUserDirectory(db: DbOrTx): UserDirectory {
  async function byOpenid(openid: string): Promise<UserRecord | null> {
    const rows = await db.select(columns).from(users).where(eq(users.openid, openid));
    return rows[0] ? asRecord(rows[0]) : null;
  }
  async function idByOfficialAccountOpenid(oaOpenid: string): Promise<string | null> {
    const rows = await db.select({ id: users.id }).from(users).where(eq(users.oaOpenid, oaOpenid));
    return rows[0]?.id ?? null;
  }

  return {
    async byId(id) {
      const rows = await db.select(columns).from(users).where(eq(users.id, id));
      return rows[0] ? asRecord(rows[0]) : null;
    },
    byOpenid,
    async revokeTokens(id, at) {
      await db.update(users).set({ tokensRevokedAt: at }).where(eq(users.id, id));
    },
    async enrolResident(openid, name) {
      const created = await db.insert(users).values({ openid, name, roles: ['resident'] }).onConflictDoNothing({ target: users.openid }).returning(columns);
      return created[0] ? asRecord(created[0]) : (await byOpenid(openid))!;
    },
    idByOfficialAccountOpenid,
    async enrolOfficialAccountResident(oaOpenid, name) {
      const created = await db.insert(users).values({ name, roles: ['resident'], oaOpenid }).onConflictDoNothing({ target: users.oaOpenid }).returning({ id: users.id });
      return created[0]?.id ?? (await idByOfficialAccountOpenid(oaOpenid))!;
    },
    async demoAccounts(): Promise<SandboxAccount[]> {
      const meta = await db.select().from(appMeta).where(eq(appMeta.key, 'demoAccounts'));
      const openids = (meta[0]?.value as string[] | undefined) ?? [];
      if (!openids.length) return [];
      const rows = await db
        .select({ u: users, lat: orgNodes.centroidLat, lng: orgNodes.centroidLng })
        .from(users)
        .leftJoin(orgNodes, eq(orgNodes.code, users.orgNodeCode))
        .where(inArray(users.openid, openids));
      const order = new Map(openids.map((o, i) => [o, i]));
      return rows
        .sort((a, b) => (order.get(a.u.openid!) ?? 0) - (order.get(b.u.openid!) ?? 0))
        .map(({ u, lat, lng }) => ({
          code: `sandbox:${u.openid}`,
          openid: u.openid!,
          role: u.roles[0] as Role,
          orgNodeCode: u.orgNodeCode,
          name: u.name,
          ...(u.dutySlot ? { duty: u.dutySlot as 'A' | 'B' } : {}),
          ...(u.dutySlot && lat !== null && lng !== null ? { lat, lng } : {}),
        }));
    },
  };
}
