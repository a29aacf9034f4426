import { and, eq, gte, isNull, like, lt, lte, sql } from 'drizzle-orm';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { cases, idempotencyKeys, oaFollowers, oaPendingReports, users, wechatPushNonces } from '../adapters/postgres/schema.js';
import type { Db, Tx } from '../adapters/postgres/database.js';
import type { OaMediaSource } from '../adapters/wechat/oa-media.js';
import { gcj02ToWgs84 } from '../domain/coords.js';
import { isAppError } from '../domain/errors.js';
import { consumedBy, decidePair, fillText, halfToKeep, pairKey, bindCodeIn, type Half, type LocationHalf, type PhotoHalf } from '../domain/oa-pairing.js';
import type { Logger } from '../logger.js';
import { bindOfficialAccount, bindFailureLimiter } from './official-account-bind.js';
import type { Deps } from './deps.js';
import { loadUser } from './login.js';
import { reportCase } from './report-case.js';

/** config/official-account.json */
export const officialAccountSettingsSchema = z.object({
  defaultCategory: z.string().min(1),
  pairWindowMinutes: z.number().positive().max(24 * 60),
  locationCoords: z.enum(['gcj02', 'wgs84']),
  requireSafeMode: z.boolean(),
  replies: z.object({
    help: z.string().min(1), welcome: z.string().min(1), photoReceived: z.string().min(1), locationReceived: z.string().min(1),
    accepted: z.string().min(1), photoFailed: z.string().min(1), refused: z.string().min(1), tooFrequent: z.string().min(1),
    bound: z.string().min(1), bindInvalid: z.string().min(1), bindExpired: z.string().min(1), bindUsed: z.string().min(1), bindTooMany: z.string().min(1),
  }),
});
export type OfficialAccountSettings = z.infer<typeof officialAccountSettingsSchema>;

/** A verified push message, as the use case sees it. `at` is the message's CreateTime. */
export type OaMessage = { openid: string; at: Date } & (
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string; picUrl: string | null }
  | { type: 'location'; lat: number; lng: number; label: string | null }
  | { type: 'event'; event: string }
  | { type: 'other' }
);

export interface OfficialAccountPush {
  /** The text to answer the follower with (a passive reply), or null for "success" (no reply). */
  handle(msg: OaMessage): Promise<string | null>;
}

type PushDeps = Deps & { logger: Logger; config: { reportsPerMinute: number } };

/** WeChat retries within seconds; a day covers any retry of a half that already made a case. */
const RETRY_HORIZON_MS = 24 * 3600_000;

export function officialAccountPush(deps: PushDeps, settings: OfficialAccountSettings, media: OaMediaSource): OfficialAccountPush {
  const windowMs = settings.pairWindowMinutes * 60_000;
  const r = settings.replies;
  const reportLimiter = new RateLimiterMemory({ points: deps.config.reportsPerMinute, duration: 60 });
  const bindLimiter = bindFailureLimiter();

  async function receiveHalf(openid: string, half: Half): Promise<string> {
    const userId = await userIdFor(deps, openid);
    const consumed = userId ? await consumedCaseNo(deps, userId, half) : null;
    if (consumed) return fillText(r.accepted, { caseNo: consumed });
    const decision = await deps.db.transaction(async (tx) => {
      // One follower's messages are decided one at a time, across processes too.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`oa-pending:${openid}`}))`);
      const rows = await tx.select().from(oaPendingReports).where(eq(oaPendingReports.oaOpenid, openid));
      const d = decidePair(rows[0] ? halfOf(rows[0]) : null, half, windowMs);
      if (d.kind === 'wait') await savePending(tx, openid, d.half);
      return d;
    });
    if (decision.kind === 'wait') return fillText(half.kind === 'photo' ? r.photoReceived : r.locationReceived, { minutes: settings.pairWindowMinutes });
    return fileReport(openid, userId, decision);
  }

  async function fileReport(openid: string, knownUserId: string | null, pair: { photo: PhotoHalf; location: LocationHalf; pending: Half }): Promise<string> {
    try {
      await reportLimiter.consume(openid);
    } catch {
      return r.tooFrequent;
    }
    let photo: Buffer;
    try {
      photo = await media.fetchMedia(pair.photo.mediaId);
    } catch (err) {
      deps.logger.warn('official account: photo could not be fetched', { mediaId: pair.photo.mediaId, err: String(err) });
      await keepOnly(deps, openid, pair.location, pair.pending);
      return r.photoFailed;
    }
    const user = await loadUser(deps, knownUserId ?? (await residentFor(deps, openid)));
    const label = pair.location.label?.slice(0, 200) || null;
    try {
      const { caseId } = await reportCase(
        deps,
        user!,
        { categoryCode: settings.defaultCategory, description: `公众号上报（照片+位置）${label ? `：${label}` : ''}`, lat: pair.location.lat, lng: pair.location.lng, address: label ?? undefined, anonymous: false },
        [photo],
        pairKey(pair.photo, pair.location),
        'official_account',
      );
      await keepOnly(deps, openid, null, pair.pending);
      const row = await deps.db.select({ caseNo: cases.caseNo }).from(cases).where(eq(cases.id, caseId));
      return fillText(r.accepted, { caseNo: row[0]!.caseNo });
    } catch (err) {
      if (!isAppError(err)) throw err;
      await keepOnly(deps, openid, halfToKeep(err.code, pair), pair.pending);
      return fillText(r.refused, { reason: err.message });
    }
  }

  return {
    async handle(msg) {
      if (msg.type === 'event') return (await followEvent(deps, msg.openid, msg.event, msg.at)) ? r.welcome : null;
      await ensureFollower(deps, msg.openid, msg.at);
      if (msg.type === 'image') return receiveHalf(msg.openid, { kind: 'photo', mediaId: msg.mediaId, picUrl: msg.picUrl, at: msg.at });
      if (msg.type === 'location') {
        const p = settings.locationCoords === 'gcj02' ? gcj02ToWgs84(msg) : { lat: msg.lat, lng: msg.lng };
        return receiveHalf(msg.openid, { kind: 'location', lat: p.lat, lng: p.lng, label: msg.label, at: msg.at });
      }
      const code = msg.type === 'text' ? bindCodeIn(msg.content) : null;
      if (code) return bindOfficialAccount(deps, bindLimiter, r, msg.openid, code);
      return r.help;
    },
  };
}

function halfOf(row: typeof oaPendingReports.$inferSelect): Half | null {
  if (row.mediaId) return { kind: 'photo', mediaId: row.mediaId, picUrl: row.picUrl, at: row.updatedAt };
  if (row.lat !== null && row.lng !== null) return { kind: 'location', lat: row.lat, lng: row.lng, label: row.label, at: row.updatedAt };
  return null;
}

/** The pending row holds one half; `updatedAt` is when the follower sent it (its CreateTime). */
async function savePending(db: Db | Tx, openid: string, half: Half): Promise<void> {
  const values =
    half.kind === 'photo'
      ? { mediaId: half.mediaId, picUrl: half.picUrl, lat: null, lng: null, label: null, updatedAt: half.at }
      : { mediaId: null, picUrl: null, lat: half.lat, lng: half.lng, label: half.label, updatedAt: half.at };
  await db.insert(oaPendingReports).values({ oaOpenid: openid, ...values }).onConflictDoUpdate({ target: oaPendingReports.oaOpenid, set: values });
}

/**
 * After a pair was tried: the pending half it used is removed unless it is `keep`, and `keep` waits.
 * Only the exact half that was read is removed, so a newer message saved meanwhile survives.
 */
async function keepOnly(deps: Deps, openid: string, keep: Half | null, pending: Half): Promise<void> {
  if (keep === pending) return;
  if (keep) return savePending(deps.db, openid, keep);
  const same = pending.kind === 'photo' ? eq(oaPendingReports.mediaId, pending.mediaId) : and(isNull(oaPendingReports.mediaId), eq(oaPendingReports.updatedAt, pending.at));
  await deps.db.delete(oaPendingReports).where(and(eq(oaPendingReports.oaOpenid, openid), same));
}

async function userIdFor(deps: Deps, openid: string): Promise<string | null> {
  const rows = await deps.db.select({ id: users.id }).from(users).where(eq(users.oaOpenid, openid));
  return rows[0]?.id ?? null;
}

/** A follower nobody knows yet becomes a resident, known by the official account's openid only. */
async function residentFor(deps: Deps, openid: string): Promise<string> {
  const created = await deps.db
    .insert(users)
    .values({ name: '公众号用户', roles: ['resident'], oaOpenid: openid })
    .onConflictDoNothing({ target: users.oaOpenid })
    .returning({ id: users.id });
  const id = created[0]?.id ?? (await userIdFor(deps, openid))!;
  await deps.db.update(oaFollowers).set({ userId: id }).where(and(eq(oaFollowers.oaOpenid, openid), isNull(oaFollowers.userId)));
  return id;
}

async function consumedCaseNo(deps: Deps, userId: string, half: Half): Promise<string | null> {
  const since = new Date(half.at.getTime() - RETRY_HORIZON_MS);
  const rows = await deps.db
    .select({ key: idempotencyKeys.key, caseNo: cases.caseNo })
    .from(idempotencyKeys)
    .innerJoin(cases, eq(cases.id, idempotencyKeys.caseId))
    .where(and(eq(idempotencyKeys.userId, userId), like(idempotencyKeys.key, 'oa:%'), gte(idempotencyKeys.createdAt, since)));
  const key = consumedBy(rows.map((x) => x.key), half);
  return key ? rows.find((x) => x.key === key)!.caseNo : null;
}

/** Any message proves the follower follows; the row is created once and then changed by events only. */
async function ensureFollower(deps: Deps, openid: string, at: Date): Promise<void> {
  await deps.db.insert(oaFollowers).values({ oaOpenid: openid, userId: await userIdFor(deps, openid), subscribed: true, changedAt: at }).onConflictDoNothing();
}

/** subscribe / unsubscribe; a retried older event never overwrites a newer one. Returns true on subscribe. */
async function followEvent(deps: Deps, openid: string, event: string, at: Date): Promise<boolean> {
  if (event !== 'subscribe' && event !== 'unsubscribe') return false;
  const subscribed = event === 'subscribe';
  await deps.db
    .insert(oaFollowers)
    .values({ oaOpenid: openid, userId: await userIdFor(deps, openid), subscribed, changedAt: at })
    .onConflictDoUpdate({ target: oaFollowers.oaOpenid, set: { subscribed, changedAt: at }, setWhere: lte(oaFollowers.changedAt, at) });
  return subscribed;
}

/* ---- replay protection (wechat-platform.md §5.4) ---- */

/** How long a nonce is remembered: twice the timestamp window, so a nonce cannot outlive its refusal. */
const NONCE_TTL_MS = 600_000;

export async function nonceSeen(deps: Deps, nonce: string, timestamp: number): Promise<boolean> {
  const rows = await deps.db
    .select({ n: wechatPushNonces.nonce })
    .from(wechatPushNonces)
    .where(and(eq(wechatPushNonces.nonce, nonce), eq(wechatPushNonces.timestamp, timestamp)));
  return rows.length > 0;
}

/**
 * Written after the push was handled, so a WeChat retry of a push that failed half-way is still taken.
 * Old nonces go, and so do pending halves a day old (past any window they are only ignored, never paired).
 */
export async function recordNonce(deps: Deps, nonce: string, timestamp: number): Promise<void> {
  const now = deps.clock.now();
  await deps.db.insert(wechatPushNonces).values({ nonce, timestamp, receivedAt: now }).onConflictDoNothing();
  await deps.db.delete(wechatPushNonces).where(lt(wechatPushNonces.receivedAt, new Date(now.getTime() - NONCE_TTL_MS)));
  await deps.db.delete(oaPendingReports).where(lt(oaPendingReports.updatedAt, new Date(now.getTime() - RETRY_HORIZON_MS)));
}
