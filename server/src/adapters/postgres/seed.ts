import { eq } from 'drizzle-orm';
import type { Role, UnitType } from '@finecity/types';
import { UNCLASSIFIED_CATEGORY } from '@finecity/types';
import type { Policy, OrgNodeSeedData } from '../../city-policy.js';
import type { Db, Tx } from './database.js';
import { appMeta, categories, companies, companyGrids, orgNodes, users } from './schema.js';
import { isSquad } from '../../domain/squad-clock.js';

/**
 * Loads the Dalian seed on first start: the org tree, departments and quick squads, categories, one staff
 * account per node, the A/B inspectors of every grid, and a few demo residents. Runs once, in one transaction.
 */
export async function seedIfEmpty(db: Db, policy: Policy): Promise<boolean> {
  const done = await db.select().from(appMeta).where(eq(appMeta.key, 'seed'));
  if (done.length > 0) {
    // Databases seeded before issue 11 get the reserved 待分类 category too.
    await db.insert(categories).values(UNCLASSIFIED_ROW).onConflictDoNothing();
    return false;
  }
  await db.transaction(async (tx) => {
    const nodes = nodeRows(policy);
    await insertChunks(tx, orgNodes, nodes);
    await insertChunks(tx, categories, categoryRows(policy));
    const { rows, demo } = userRows(policy, nodes);
    await seedCompany(tx, nodes);
    await insertChunks(tx, users, rows);
    await tx.insert(appMeta).values([
      { key: 'seed', value: { at: new Date().toISOString(), nodes: nodes.length, users: rows.length } },
      { key: 'demoAccounts', value: demo },
    ]);
  });
  return true;
}

type NodeRow = typeof orgNodes.$inferInsert;

/** The demo third-party inspection company (issue 11): the grids of the first demo community, allowed to verify. */
const DEMO_COMPANY = 'demo';

async function seedCompany(tx: Tx, nodes: NodeRow[]): Promise<void> {
  const first = nodes.find((n) => n.level === 'grid');
  if (!first) return;
  await tx.insert(companies).values({
    id: DEMO_COMPANY, name: '大连城市巡查服务有限公司（演示）', contractStart: '2026-01-01', contractEnd: '2027-12-31', mayVerify: true,
    patrolFrom: '08:00', patrolTo: '18:00', createdAt: new Date(),
  });
  const grids = nodes.filter((n) => n.level === 'grid' && n.parentCode === first.parentCode);
  await tx.insert(companyGrids).values(grids.map((g) => ({ companyId: DEMO_COMPANY, gridCode: g.code })));
}

function nodeRows(policy: Policy): NodeRow[] {
  const byCode = new Map<string, NodeRow>();
  const rows: NodeRow[] = [];
  const add = (n: Omit<OrgNodeSeedData, 'level'> & { level: string; unitType?: UnitType }) => {
    const parent = n.parentCode ? byCode.get(n.parentCode) : undefined;
    if (n.parentCode && !parent) throw new Error(`org tree: ${n.code} comes before its parent ${n.parentCode}`);
    const row: NodeRow = {
      code: n.code,
      parentCode: n.parentCode,
      level: n.level,
      name: n.name,
      path: `${parent?.path ?? '/'}${n.code}/`,
      polygon: n.polygon ?? null,
      boundary: n.boundary ?? null,
      centroidLat: n.centroid?.lat ?? null,
      centroidLng: n.centroid?.lng ?? null,
      unitType: n.unitType ?? null,
    };
    byCode.set(n.code, row);
    rows.push(row);
  };
  for (const n of policy.orgTree) add(n);
  const city = policy.orgTree.find((n) => n.level === 'city');
  if (!city) throw new Error('org tree has no city node');
  for (const d of policy.categories.departments) add({ code: d.code, parentCode: city.code, level: 'department', name: d.name, unitType: 'department' });
  // Quick squads (大政办发〔2018〕125号 三(三)): each district's 城管综合服务抢修小分队 and each street's 便民服务小分队,
  // handling units their dispatchers task like a department, on the minute clocks of config/assessment.json "squads".
  const squads = policy.assessment.squads;
  for (const d of policy.orgTree.filter((n) => n.level === 'district')) {
    add({ code: `QS-${d.code}`, parentCode: d.code, level: 'department', name: `${d.name}${squads.repair_squad.name}`, unitType: 'repair_squad' });
  }
  for (const s of policy.orgTree.filter((n) => n.level === 'street')) {
    add({ code: `BM-${s.code}`, parentCode: s.code, level: 'department', name: `${s.name}${squads.street_squad.name}`, unitType: 'street_squad' });
  }
  return rows;
}

/**
 * 待分类 (issue 11): the category of a channel's ticket that names none we know. Reserved, not in
 * config/categories.json (a GB/T catalogue): disabled, so no picker offers it, and not in the policy
 * catalogue, so nothing sets a clock on it; registering such a case requires choosing a real category.
 */
const UNCLASSIFIED_ROW: typeof categories.$inferInsert = {
  code: UNCLASSIFIED_CATEGORY.code, kind: 'matter', name: UNCLASSIFIED_CATEGORY.name, bigClassCode: '00', bigClassName: UNCLASSIFIED_CATEGORY.name,
  standardRef: 'DL-local', departmentCode: null, enabled: false,
};

function categoryRows(policy: Policy): (typeof categories.$inferInsert)[] {
  return [...policy.categories.categories.map((c) => ({
    code: c.code,
    kind: c.kind,
    name: c.name,
    bigClassCode: c.bigClassCode,
    bigClassName: c.bigClassName,
    standardRef: c.code.startsWith('DL-') ? 'DL-local' : policy.categories.standardRef,
    departmentCode: c.department,
    urgent: c.urgent,
    common: c.common,
    keywords: c.keywords,
    hint: c.hint ?? null,
    confusableWith: c.confusableWith,
  })), UNCLASSIFIED_ROW];
}

type UserRow = typeof users.$inferInsert;

const STAFF_ROLE: Record<string, Role> = { city: 'city', district: 'district', street: 'street', community: 'community', department: 'department' };
const STAFF_TITLE: Record<string, string> = {
  city: '城管指挥中心调度员',
  district: '城管指挥分中心调度员',
  street: '城管工作人员',
  community: '工作人员',
  department: '处置人员',
};

function staff(node: NodeRow, role: Role, suffix: string, name: string, extra: Partial<UserRow> = {}): UserRow {
  const staffCode = `${node.code}-${suffix}`;
  return { openid: `staff-${staffCode}`, name, roles: [role], orgNodeCode: node.code, staffCode, ...extra };
}

function userRows(policy: Policy, nodes: NodeRow[]): { rows: UserRow[]; demo: string[] } {
  const rows: UserRow[] = [];
  for (const n of nodes) {
    if (n.level === 'grid') {
      for (const slot of ['A', 'B'] as const) {
        rows.push({ openid: `staff-${n.code}${slot}`, name: `网格员${slot}（${n.name}）`, roles: ['inspector'], orgNodeCode: n.code, staffCode: `${n.code}${slot}`, dutySlot: slot });
      }
      continue;
    }
    const role = STAFF_ROLE[n.level];
    const title = isSquad(n.unitType) ? '队员' : STAFF_TITLE[n.level];
    if (role) rows.push(staff(n, role, '01', `${n.name}${title}`));
  }
  const city = nodes.find((n) => n.level === 'city')!;
  const districts = nodes.filter((n) => n.level === 'district');
  rows.push(staff(city, 'leader', 'LD', '市领导（演示）'));
  for (const d of districts) rows.push(staff(d, 'leader', 'LD', `${d.name}领导（演示）`));
  rows.push(staff(city, 'third_party', 'TP01', '第三方采集员01（演示）', { companyId: DEMO_COMPANY }));
  // A 12319 call-centre operator (话务员, issue 11): files cases for callers at the H5 话务台.
  rows.push(staff(city, 'hotline', 'HL01', '12319话务员01（演示）'));
  rows.push(staff(city, 'admin', 'ADM', '系统管理员（演示）'));
  // A district admin for the district of the first grid (the demo grids' district): district-scope admin work.
  const firstGrid = nodes.find((n) => n.level === 'grid');
  const adminDistrict = firstGrid && districts.find((d) => firstGrid.path.startsWith(d.path!));
  if (adminDistrict) rows.push(staff(adminDistrict, 'admin', 'ADM', '区管理员（演示）'));
  // An enforcement patrol member (执法队员) of that district: their finds measure the companies' 漏查 (issue 11).
  if (adminDistrict) rows.push(staff(adminDistrict, 'enforcement', 'ZF01', '执法队员01（演示）'));
  // Fictitious sandbox mobiles for staff (SMS fallback and robot @-mentions); real ones come from HR data.
  rows.forEach((r, i) => {
    r.mobile = `1990${String(i + 1).padStart(7, '0')}`;
  });
  for (let i = 1; i <= 3; i++) rows.push({ openid: `resident-0${i}`, name: `市民演示账号0${i}`, roles: ['resident'] });
  const demo = demoOpenids(policy, nodes, rows);
  // The demo staff have a WeCom account (企业微信账号), their staff code, so the sandbox's WeCom OAuth page lists
  // them for the console's 企业微信登录; the others get theirs from a roster import.
  const shown = new Set(demo);
  for (const r of rows) if (r.staffCode && shown.has(r.openid!)) r.wecomUserid = r.staffCode;
  return { rows, demo };
}

/** A small, useful set for the sandbox picker: every role and level, and A/B of sibling and distant grids. */
function demoOpenids(policy: Policy, nodes: NodeRow[], rows: UserRow[]): string[] {
  const grids = pickDemoGrids(nodes, policy.rules.demoAccounts.inspectorGrids);
  const wanted = new Set<string>();
  for (const g of grids) {
    for (const n of nodes.filter((x) => g.path.startsWith(x.path))) wanted.add(n.code);
  }
  const out: string[] = [];
  for (const r of rows) {
    const code = r.orgNodeCode ?? '';
    const isGridInspector = r.dutySlot && grids.some((g) => g.code === code);
    const isChainStaff = !r.dutySlot && wanted.has(code);
    const node = nodes.find((n) => n.code === code);
    // City departments (the city is in every chain), and the quick squads of the demo grids' districts and streets.
    const isDept = node?.level === 'department' && wanted.has(node.parentCode ?? '');
    if (!r.orgNodeCode || isGridInspector || isChainStaff || isDept) out.push(r.openid!);
  }
  return out;
}

function pickDemoGrids(nodes: NodeRow[], count: number): NodeRow[] {
  const grids = nodes.filter((n) => n.level === 'grid');
  const first = grids[0]!;
  const sameCommunity = grids.filter((g) => g.parentCode === first.parentCode).slice(0, 2);
  const firstDistrict = first.path.split('/')[2];
  const otherDistricts = grids.filter((g) => g.path.split('/')[2] !== firstDistrict);
  const picked = [...sameCommunity];
  const seen = new Set(picked.map((g) => g.path.split('/')[2]));
  for (const g of otherDistricts) {
    if (picked.length >= count) break;
    const d = g.path.split('/')[2]!;
    if (!seen.has(d)) {
      seen.add(d);
      picked.push(g);
    }
  }
  return picked;
}

async function insertChunks<T extends Parameters<Tx['insert']>[0]>(tx: Tx, table: T, rows: T['$inferInsert'][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await tx.insert(table).values(rows.slice(i, i + 500));
  }
}
