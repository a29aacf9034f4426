import crypto from 'node:crypto';
import type { CaseState, TrackingDto } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { formatBeijing } from '../../domain/shanghai-time.js';
import type { Deps } from '../deps.js';
import type { TrackedCase } from './call-centre-ports.js';

/**
 * The public tracking page (issue 11, item 3): anyone holding the link reads the case's status, its public
 * steps, the public replies and the photos staff published (issue 13). Nothing else: no names, no phone numbers, no notes, no internal comments,
 * the place only to the street. An unknown token answers like a missing page.
 */
export type TrackingView = TrackingDto;

/** Tokens are 32 random bytes in base64url (43 characters); anything else cannot be one. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const STATUS: Record<CaseState, string> = {
  submitted: '已收到，等待受理',
  registered: '已受理',
  dispatched: '已派遣，等待处置',
  in_progress: '正在处置',
  handled: '已办结，等待核查',
  closed: '已结案',
  rejected: '不予受理',
  merged: '已并入同一问题办理',
  suspended: '正在处理',
};

/** The steps a caller sees (受理、派遣、办结、结案), by the state an event led to; other events stay internal. */
const STEP: Partial<Record<CaseState, string>> = {
  submitted: '已收到',
  registered: '受理',
  rejected: '不予受理',
  merged: '并入同一问题办理',
  dispatched: '派遣',
  handled: '办结',
  closed: '结案',
};

/** The public steps of a case, from its state-changing events (the tracking page and the public case page). */
export function timeline(c: Pick<TrackedCase, 'steps'>): TrackingView['timeline'] {
  const out: TrackingView['timeline'] = [];
  let last: string | null = null;
  for (const s of c.steps) {
    const title = s.action === 'reopen' ? '重新办理' : STEP[s.toState];
    if (!title || title === last) continue;
    out.push({ title, at: formatBeijing(s.at) });
    last = title;
  }
  return out;
}

/** Where, to the street only: 中山区 桃源街道; 位置核实中 while the case waits in 待定位. */
export function placeOf(deps: Pick<Deps, 'org'>, c: Pick<TrackedCase, 'districtCode' | 'streetCode' | 'locationPending'>): string {
  if (c.locationPending) return '位置核实中';
  const names = [c.districtCode, c.streetCode].map((code) => (code ? deps.org.get(code)?.name : undefined)).filter(Boolean);
  return names.length ? names.join(' ') : '大连市';
}

/** Signed, expiring photo URLs (an <image> tag sends no token), made by the caller's URL signer. */
export type PhotoUrl = (id: string, variant: 'full' | 'thumb') => string;

export async function trackCase(deps: Deps, token: string, photoUrl: PhotoUrl): Promise<TrackingView> {
  const missing = () => new AppError('not_found', '查询链接无效或已失效');
  if (!TOKEN.test(token)) throw missing();
  const hash = crypto.createHash('sha256').update(token).digest('hex');
  const c = await deps.callCentre.reads.byTrackingHash(hash);
  if (!c) throw missing();
  return {
    caseNo: c.caseNo,
    categoryName: deps.categories.get(c.categoryCode)?.name ?? '待分类',
    statusText: STATUS[c.state] ?? '正在处理',
    place: placeOf(deps, c),
    timeline: timeline(c),
    replies: c.replies.map((r) => ({ body: r.body, at: formatBeijing(r.at) })),
    photos: c.photos.map((p) => ({ kind: p.kind, url: photoUrl(p.id, 'full'), thumbUrl: photoUrl(p.id, 'thumb') })),
  };
}
