import type { DeleteAccountDto, MyDataDto } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { formatBeijing } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { ResidentPrivacyStore } from './privacy-ports.js';

/** Beijing wall-clock time with seconds ('2026-12-03 14:05:09'), as the person reads it. */
const at = (d: Date): string => formatBeijing(d, { seconds: true });

/** The name a closed account's row keeps, so old timelines read as someone rather than blank. */
export const DELETED_NAME = '已注销用户';

function store(deps: Pick<Deps, 'privacy'>): ResidentPrivacyStore {
  if (!deps.privacy) throw new AppError('service.unavailable', '个人信息服务暂不可用');
  return deps.privacy;
}

/** Staff records belong to the city (their actions are its record): only residents export or close their own. */
function requireResident(user: CurrentUser): void {
  if (user.roles.some((r) => r !== 'resident')) throw new AppError('auth.forbidden', '工作人员账号由管理员管理，不能自行导出或注销');
}

/** GET /api/v1/me/data: a copy of the resident's own data (PIPL art. 45: http://www.npc.gov.cn/npc/c30834/202108/a8c4e3672c74491a80b53a172bb753fe.shtml). */
export async function exportMyData(deps: Pick<Deps, 'privacy' | 'categories' | 'clock'>, user: CurrentUser): Promise<MyDataDto> {
  requireResident(user);
  const rows = await store(deps).exportOf(user.id);
  if (!rows) throw new AppError('auth.invalid_token', '账号不存在');
  const category = (code: string) => deps.categories.get(code)?.name ?? '其他问题';
  return {
    account: { name: rows.account.name, mobile: rows.account.mobile, officialAccountBound: !!rows.account.oaOpenid, createdAt: at(rows.account.createdAt) },
    subscriptions: rows.credits.map((c) => ({ template: c.templateKey, credits: c.credits, longTerm: c.longTerm })),
    points: { listed: rows.points.listed, entries: rows.points.entries.map((e) => ({ caseNo: e.caseNo, kind: e.kind, points: e.points, at: at(e.earnedAt) })) },
    reports: rows.reports.map((r) => ({
      caseNo: r.caseNo, category: category(r.categoryCode), description: r.description, address: r.address, lat: r.lat, lng: r.lng, anonymous: r.anonymous,
      state: r.state, reportedAt: at(r.createdAt), rating: r.ratingScore, ratingComment: r.ratingComment,
    })),
    following: rows.following.map((f) => ({ caseNo: f.caseNo, since: at(f.since) })),
    comments: rows.comments.map((c) => ({ caseNo: c.caseNo, body: c.body, at: at(c.createdAt) })),
    exportedAt: at(deps.clock.now()),
  };
}

/**
 * POST /api/v1/me/delete: 注销 (PIPL art. 47, deletion when the person withdraws). The cases stay for the
 * city's record, anonymised; the person's tokens answer 401 from the next request (the user row now reads
 * `deleted`; this process forgets its cached copy at once).
 */
export async function deleteMyAccount(deps: Pick<Deps, 'privacy' | 'clock' | 'users'>, user: CurrentUser): Promise<DeleteAccountDto> {
  requireResident(user);
  const { reportsKept } = await store(deps).erase(user.id, deps.clock.now());
  deps.users.forget?.(user.id);
  return { deleted: true, reportsKept };
}
