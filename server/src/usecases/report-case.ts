import crypto from 'node:crypto';
import { and, eq, gte, inArray, lte } from 'drizzle-orm';
import type { CaseSource, Role } from '@finecity/types';
import { OPEN_STATES, PHOTO_LIMITS } from '@finecity/types';
import { appendEvent, insertCase, insertPhotos, nextCaseNo, recordEffects } from '../adapters/postgres/case-repo.js';
import { caseDuplicateCandidates, cases, idempotencyKeys, orgNodes, users } from '../adapters/postgres/schema.js';
import type { Tx } from '../adapters/postgres/database.js';
import { findDuplicates, searchBox, windowStart, type DupCase } from '../domain/duplicates.js';
import { AppError } from '../domain/errors.js';
import { grantFor } from '../domain/authorization.js';
import type { CurrentUser, Deps } from './deps.js';
import { storePhotos, type StoredPhoto } from './photos.js';
import { shanghaiDay } from './time.js';

export interface ReportInput {
  categoryCode: string;
  description: string;
  lat: number;
  lng: number;
  address?: string;
  anonymous: boolean;
}

export interface ReportResult {
  caseId: string;
  replayed: boolean;
}

const SOURCE_BY_ROLE: Partial<Record<Role, CaseSource>> = { resident: 'miniprogram', third_party: 'third_party' };

/** A citizen's (or an inspector's patrol) report becomes a case in state `submitted`. */
/**
 * `source` names the channel when it is not the reporter's own app (the official account); otherwise the
 * reporter's role decides: residents report from the mini-program, staff report what they find on patrol.
 */
export async function reportCase(deps: Deps, user: CurrentUser, input: ReportInput, files: Buffer[], idempotencyKey?: string, source?: CaseSource): Promise<ReportResult> {
  if (!grantFor(user.roles, 'report.create', { isReporterOrFollower: true, inArea: true, heldInArea: true })) {
    throw new AppError('auth.forbidden', '当前账号不能上报问题');
  }
  const category = deps.policy.categories.categories.find((c) => c.code === input.categoryCode);
  if (!category) throw new AppError('category.unknown', '未知的问题类别', { categoryCode: input.categoryCode });
  const where = deps.locator.locate(input.lat, input.lng);
  if (!where) throw new AppError('location.outside_service_area', '该位置不在大连市服务范围内', { lat: input.lat, lng: input.lng });
  if (files.length < PHOTO_LIMITS.minPerReport) throw new AppError('photo.missing', '请至少上传 1 张现场照片');
  if (files.length > PHOTO_LIMITS.maxPerReport) throw new AppError('photo.too_many', `最多上传 ${PHOTO_LIMITS.maxPerReport} 张照片`);

  const moderation = await checkContent(deps, user, input.description);
  const requestHash = hashRequest(input, files);
  if (idempotencyKey) {
    const prior = await priorReport(deps, user.id, idempotencyKey, requestHash);
    if (prior) return { caseId: prior, replayed: true };
  }
  const stored = await storePhotos(deps, files);
  try {
    const caseId = await deps.db.transaction((tx) => insertReport(deps, tx, { user, input, where, stored, requestHash, idempotencyKey, moderation, source: source ?? SOURCE_BY_ROLE[user.roles[0]!] ?? 'patrol' }));
    return { caseId, replayed: false };
  } catch (err) {
    await Promise.all(stored.map((p) => deps.photos.remove(p.id)));
    if (idempotencyKey && isUniqueViolation(err)) {
      // The same key raced in from a retry on a flaky connection: answer with the winner.
      const prior = await priorReport(deps, user.id, idempotencyKey, requestHash);
      if (prior) return { caseId: prior, replayed: true };
    }
    throw err;
  }
}

/**
 * Report text passes msgSecCheck v2 (wechat-platform.md §7.1): 'risky' is refused with a clear message,
 * 'review' becomes a case that dispatchers see flagged. Only mini-program users have the openid it needs.
 */
async function checkContent(deps: Deps, user: CurrentUser, text: string): Promise<'review' | null> {
  if (!deps.contentCheck) return null;
  const u = (await deps.db.select({ openid: users.openid }).from(users).where(eq(users.id, user.id)))[0];
  if (!u?.openid) return null;
  const verdict = await deps.contentCheck.checkText(u.openid, text);
  if (verdict === 'risky') throw new AppError('content.rejected', '问题描述包含不当内容，请修改后重新提交');
  return verdict === 'review' ? 'review' : null;
}

function hashRequest(input: ReportInput, files: Buffer[]): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify([input.categoryCode, input.description, input.lat, input.lng, input.address ?? null, input.anonymous]));
  for (const f of files) h.update(crypto.createHash('sha256').update(f).digest());
  return h.digest('hex');
}

async function priorReport(deps: Deps, userId: string, key: string, requestHash: string): Promise<string | null> {
  const rows = await deps.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
  const row = rows[0];
  if (!row) return null;
  if (row.requestHash !== requestHash) {
    throw new AppError('idempotency.key_reused', '该幂等键已用于另一份不同的上报', { key });
  }
  return row.caseId;
}

interface InsertArgs {
  user: CurrentUser;
  input: ReportInput;
  where: NonNullable<ReturnType<Deps['locator']['locate']>>;
  stored: StoredPhoto[];
  requestHash: string;
  idempotencyKey?: string;
  moderation: 'review' | null;
  source: CaseSource;
}

async function insertReport(deps: Deps, tx: Tx, a: InsertArgs): Promise<string> {
  const now = deps.clock.now();
  const { input, where, user } = a;
  const locCode = where.gridCode ?? where.districtCode;
  const loc = await tx.select({ path: orgNodes.path }).from(orgNodes).where(eq(orgNodes.code, locCode));
  if (!loc[0]) throw new AppError('location.outside_service_area', '该位置尚未划入网格', { code: locCode });
  const caseNo = await nextCaseNo(tx, deps.policy.rules.caseNoPrefix, shanghaiDay(now));
  const category = deps.policy.categories.categories.find((c) => c.code === input.categoryCode)!;
  const row = await insertCase(tx, {
    caseNo,
    source: a.source,
    reporterId: user.id,
    anonymous: input.anonymous,
    categoryCode: input.categoryCode,
    standardRef: input.categoryCode.startsWith('DL-') ? 'DL-local' : deps.policy.categories.standardRef,
    description: input.description,
    lat: input.lat,
    lng: input.lng,
    address: input.address ?? null,
    gridCode: where.gridCode,
    communityCode: where.communityCode,
    streetCode: where.streetCode,
    districtCode: where.districtCode,
    locationPath: loc[0].path,
    state: 'submitted',
    complexity: category.urgent ? 'urgent' : null,
    moderation: a.moderation,
    createdAt: now,
    updatedAt: now,
  });
  await appendEvent(tx, {
    caseId: row.id, seq: 1, action: 'submit', fromState: null, toState: 'submitted', actorId: user.id,
    actorRole: user.roles[0]!, at: now, note: null, data: { photoIds: a.stored.map((p) => p.id) },
  });
  await insertPhotos(tx, a.stored.map((p) => ({ ...p.meta, caseId: row.id, eventSeq: 1, kind: 'before', createdAt: now })));
  if (a.idempotencyKey) {
    await tx.insert(idempotencyKeys).values({ userId: user.id, key: a.idempotencyKey, requestHash: a.requestHash, caseId: row.id, createdAt: now });
  }
  const dups = await attachDuplicates(deps, tx, row);
  await recordEffects(tx, row.id, 1, [{ kind: 'notify', topic: 'case.submit', payload: { duplicates: dups } }], now);
  return row.id;
}

async function attachDuplicates(deps: Deps, tx: Tx, row: typeof cases.$inferSelect): Promise<number> {
  const rules = deps.policy.rules.duplicates;
  const box = searchBox(row, rules.distanceM);
  const near = (await tx
    .select({ id: cases.id, caseNo: cases.caseNo, categoryCode: cases.categoryCode, lat: cases.lat, lng: cases.lng, createdAt: cases.createdAt, state: cases.state })
    .from(cases)
    .where(
      and(
        eq(cases.categoryCode, row.categoryCode),
        gte(cases.createdAt, windowStart(row.createdAt, rules)),
        inArray(cases.state, [...OPEN_STATES]),
        gte(cases.lat, box.minLat), lte(cases.lat, box.maxLat), gte(cases.lng, box.minLng), lte(cases.lng, box.maxLng),
      ),
    )) as DupCase[];
  const found = findDuplicates(row, near, rules);
  if (found.length) {
    await tx.insert(caseDuplicateCandidates).values(found.slice(0, 20).map((d) => ({ caseId: row.id, candidateId: d.caseId, distanceM: d.distanceM })));
  }
  return found.length;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

