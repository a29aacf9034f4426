import crypto from 'node:crypto';
import type { CaseSource, ReportFields, Role } from '@finecity/types';
import { PHOTO_LIMITS } from '@finecity/types';
import { grantFor } from '../domain/authorization.js';
import { searchBox, windowStart } from '../domain/duplicates.js';
import { AppError } from '../domain/errors.js';
import { shanghaiDay } from '../domain/shanghai-time.js';
import { scopeFacts } from './access.js';
import { caseView, type CaseView } from './case-view.js';
import { effectsToRecord } from './effects.js';
import type { CurrentUser, Deps } from './deps.js';
import { processPhotos, removePhotos, storeProcessed } from './photo-intake.js';
import { ReportUnconfirmed, type CaseDetail } from './repositories.js';

/** A validated report (declared once, in @finecity/types). */
export type ReportInput = ReportFields;

export interface ReportResult {
  caseId: string;
  replayed: boolean;
  /** The new case as the reporter sees it, from the rows of the report's own transaction. */
  view: CaseView;
}

/** Duplicate candidates kept per report, nearest first (a dispatcher reads a short list). */
const MAX_DUPLICATES = 20;

const SOURCE_BY_ROLE: Partial<Record<Role, CaseSource>> = { resident: 'miniprogram', third_party: 'third_party', enforcement: 'enforcement' };

/**
 * A citizen's (or an inspector's patrol) report becomes a case in state `submitted`.
 * `source` names the channel when it is not the reporter's own app (the official account); otherwise the
 * reporter's role decides: residents report from the mini-program, staff report what they find on patrol.
 */
export async function reportCase(deps: Deps, user: CurrentUser, input: ReportInput, files: Buffer[], idempotencyKey?: string, source?: CaseSource): Promise<ReportResult> {
  if (!grantFor(user.roles, 'report.create', { isReporterOrFollower: true, inArea: true, heldInArea: true, heldByOwnUnit: true })) {
    throw new AppError('auth.forbidden', '当前账号不能上报问题');
  }
  const category = deps.categories.get(input.categoryCode);
  if (!category) throw new AppError('category.unknown', '未知的问题类别', { categoryCode: input.categoryCode });
  if (!category.enabled) throw new AppError('category.disabled', `“${category.name}”类别已停用，请重新选择问题类别`, { categoryCode: input.categoryCode });
  const where = deps.locator.locate(input.lat, input.lng);
  if (!where) throw new AppError('location.outside_service_area', '该位置不在大连市服务范围内', { lat: input.lat, lng: input.lng });
  const place = deps.org.get(where.gridCode ?? where.districtCode);
  if (!place) throw new AppError('location.outside_service_area', '该位置尚未划入网格', { code: where.gridCode ?? where.districtCode });
  if (files.length < PHOTO_LIMITS.minPerReport) throw new AppError('photo.missing', '请至少上传 1 张现场照片');
  if (files.length > PHOTO_LIMITS.maxPerReport) throw new AppError('photo.too_many', `最多上传 ${PHOTO_LIMITS.maxPerReport} 张照片`);

  const requestHash = hashRequest(input, files);
  const moderation = await checkContent(deps, user, input.description);
  const stored = await storeProcessed(deps, await processPhotos(deps, files));
  try {
    const now = deps.clock.now();
    const report = {
      source: source ?? SOURCE_BY_ROLE[user.roles[0]!] ?? 'patrol',
      reporterId: user.id,
      reporterRole: user.roles[0]!,
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
      locationPath: place.path,
      complexity: category.urgent ? ('urgent' as const) : null,
      moderation,
      photos: stored.map((p) => p.meta),
      idempotency: idempotencyKey ? { key: idempotencyKey, requestHash } : null,
      at: now,
    };
    const rules = deps.policy.rules.duplicates;
    const near = { categoryCode: input.categoryCode, since: windowStart(now, rules), at: input, box: searchBox(input, rules.distanceM), distanceM: rules.distanceM, limit: MAX_DUPLICATES };
    const effects = effectsToRecord(deps, [{ kind: 'notify', topic: 'case.submit', payload: {} }]);
    // One statement writes the whole report (see CaseRepository.insertReport): no transaction to open.
    const inserted = await deps.cases.insertReport(report, near, { prefix: deps.policy.rules.caseNoPrefix, day: shanghaiDay(now) }, effects);
    if (!inserted) throw new Error('a report claims no nonce, so it is always written');
    const { row, duplicates } = inserted;
    // The answer is built from the rows the statement wrote: no read-back.
    const detail: CaseDetail = {
      events: [{ seq: 1, action: 'submit', fromState: null, toState: 'submitted', actorId: user.id, actorRole: report.reporterRole, actorName: user.name, at: now, note: null, data: { photoIds: report.photos.map((p) => p.id) } }],
      photos: report.photos.map((p) => ({ ...p, caseId: row.id, eventSeq: 1, kind: 'before' as const, createdAt: now })),
      duplicates,
    };
    return { caseId: row.id, replayed: false, view: caseView(user, row, detail, scopeFacts(user, row, false), now) };
  } catch (err) {
    // A report committed but not confirmed on disk may exist: its photos stay (orphans are cleaned hourly).
    if (!(err instanceof ReportUnconfirmed)) await removePhotos(deps, stored);
    if (idempotencyKey && isUniqueViolation(err)) {
      // The key was used before (a retry on a flaky connection, or two racing): answer with the first
      // report, or 422 if the key came with another body. Checked here, not before, so the common
      // path (a new key) costs no extra read.
      const prior = await priorReport(deps, user, idempotencyKey, requestHash);
      if (prior) return prior;
    }
    throw err;
  }
}

/**
 * Report text passes WeChat's msgSecCheck v2
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html):
 * 'risky' is refused with a clear message, 'review' becomes a case that dispatchers see flagged. Only
 * mini-program users have the openid it needs.
 */
async function checkContent(deps: Deps, user: CurrentUser, text: string): Promise<'review' | null> {
  if (!deps.contentCheck || !user.openid) return null;
  const verdict = await deps.contentCheck.checkText(user.openid, text);
  if (verdict === 'risky') throw new AppError('content.rejected', '问题描述包含不当内容，请修改后重新提交');
  return verdict === 'review' ? 'review' : null;
}

function hashRequest(input: ReportInput, files: Buffer[]): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify([input.categoryCode, input.description, input.lat, input.lng, input.address ?? null, input.anonymous]));
  for (const f of files) h.update(crypto.createHash('sha256').update(f).digest());
  return h.digest('hex');
}

async function priorReport(deps: Deps, user: CurrentUser, key: string, requestHash: string): Promise<ReportResult | null> {
  const prior = await deps.idempotency.find(user.id, key);
  if (!prior) return null;
  if (prior.requestHash !== requestHash) {
    throw new AppError('idempotency.key_reused', '该幂等键已用于另一份不同的上报', { key });
  }
  const loaded = await deps.cases.load(prior.caseId, user.id);
  if (!loaded) return null;
  const view = caseView(user, loaded.row, loaded.detail, scopeFacts(user, loaded.row, loaded.callerFollows), deps.clock.now());
  return { caseId: prior.caseId, replayed: true, view };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}
