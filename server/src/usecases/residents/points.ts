import type { MyPointsDto, TopReportersDto } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { beijingParts, formatBeijing, fromBeijing } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { PointsStore } from './points-ports.js';

type PointsDeps = Pick<Deps, 'points' | 'policy' | 'categories' | 'clock' | 'org'>;

function store(deps: Pick<Deps, 'points'>): PointsStore {
  if (!deps.points) throw new AppError('service.unavailable', '积分服务暂不可用');
  return deps.points;
}

function requireResident(user: CurrentUser): void {
  if (!user.roles.includes('resident')) throw new AppError('auth.forbidden', '积分只记给市民的上报');
}

/** The Beijing month [start, end) of 'YYYY-MM'. */
function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: fromBeijing(y, m, 1), to: m === 12 ? fromBeijing(y + 1, 1, 1) : fromBeijing(y, m + 1, 1) };
}

function thisMonth(now: Date): string {
  const p = beijingParts(now);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/**
 * A nickname as the public list shows it: the first character, then one star per further character, at most
 * two (张先生 → 张**, 李 → 李*). Nothing else of the person is shown.
 */
export function maskNickname(name: string): string {
  const chars = [...name.trim()];
  if (!chars.length) return '市民*';
  return chars[0] + '*'.repeat(Math.min(Math.max(chars.length - 1, 1), 2));
}

/** GET /api/v1/me/points: the resident's points, this month's, every credit and the rules. */
export async function myPoints(deps: PointsDeps, user: CurrentUser): Promise<MyPointsDto> {
  requireResident(user);
  const s = store(deps);
  const [entries, listed] = await Promise.all([s.entriesOf(user.id), s.listed(user.id)]);
  const { from, to } = monthRange(thisMonth(deps.clock.now()));
  const rules = deps.policy.rules.points;
  return {
    total: entries.reduce((n, e) => n + e.points, 0),
    month: entries.filter((e) => e.earnedAt >= from && e.earnedAt < to).reduce((n, e) => n + e.points, 0),
    optedOut: !listed,
    entries: entries.map((e) => ({
      caseId: e.caseId, caseNo: e.caseNo, category: deps.categories.get(e.categoryCode)?.name ?? '其他问题', kind: e.kind, points: e.points, at: formatBeijing(e.earnedAt),
    })),
    rules: { registered: rules.registered, firstFinder: rules.firstFinder },
  };
}

/** POST /api/v1/me/points/listing: appear on, or leave, the public monthly list. */
export async function setPointsListing(deps: PointsDeps, user: CurrentUser, listed: boolean): Promise<MyPointsDto> {
  requireResident(user);
  await store(deps).setListed(user.id, listed);
  return myPoints(deps, user);
}

/**
 * GET /api/v1/public/top-reporters: each district's best 市民监督员 of a Beijing month (config
 * `points.monthlyListSize`), masked nicknames only, opted-out and closed accounts left out. Ties rank equal
 * points by who reached them first.
 */
export async function topReporters(deps: PointsDeps, q: { month?: string; districtCode?: string }): Promise<TopReportersDto> {
  const month = q.month ?? thisMonth(deps.clock.now());
  const districts = deps.org.all().filter((n) => n.level === 'district' && (!q.districtCode || n.code === q.districtCode));
  if (q.districtCode && !districts.length) throw new AppError('request.invalid', '没有这个区（市）县', { districtCode: q.districtCode });
  const { from, to } = monthRange(month);
  const rows = await store(deps).monthly(from, to, q.districtCode ?? null, deps.policy.rules.points.monthlyListSize);
  return {
    month,
    districts: districts.map((d) => ({
      districtCode: d.code,
      districtName: d.name,
      rows: rows.filter((r) => r.districtCode === d.code).map((r, i) => ({ rank: i + 1, nickname: maskNickname(r.name), points: r.points })),
    })),
  };
}

/** Rebuilds every resident's points from the case events (after a rules change); answers the credits written. */
export async function rebuildPoints(deps: PointsDeps): Promise<number> {
  return store(deps).rebuild(deps.policy.rules.points);
}
