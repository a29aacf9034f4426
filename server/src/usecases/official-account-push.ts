import { trackingLinkOf } from './residents/tracking-links.js';
import fs from 'node:fs';
import path from 'node:path';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { gcj02ToWgs84 } from '../domain/coords.js';
import { isAppError } from '../domain/errors.js';
import { consumedBy, decidePair, fillText, halfToKeep, pairKey, bindCodeIn, type Half, type LocationHalf, type PhotoHalf } from '../domain/oa-pairing.js';
import type { Policy } from '../city-policy.js';
import type { Logger } from '../logger.js';
import { bindOfficialAccount, bindFailureLimiter } from './official-account-bind.js';
import type { Deps } from './deps.js';
import { loadUser } from './login.js';
import { reportCase } from './report-case.js';
import type { OaMediaSource } from './service-ports.js';

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

/** Reads and checks config/official-account.json; its default category must be one of the city's. */
export function loadOfficialAccountSettings(configDir: string, policy: Pick<Policy, 'categories'>): OfficialAccountSettings {
  const file = path.join(configDir, 'official-account.json');
  const parsed = officialAccountSettingsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (parsed.success && !policy.categories.categories.some((c) => c.code === parsed.data.defaultCategory)) {
    problems.push(`defaultCategory: ${parsed.data.defaultCategory} is not in categories.json`);
  }
  if (!parsed.success || problems.length) throw new Error(`Invalid ${file}:\n  ${problems.join('\n  ')}`);
  return parsed.data;
}

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

/** A retried message's reply (its case was filed already) and the fallback when no tracking link can be made. */
const PROGRESS_IN_APP = '可在小程序“我的上报”中查看办理进度。';

type PushDeps = Deps & { logger: Logger; config: { reportsPerMinute: number } };

/** WeChat retries within seconds; a day covers any retry of a half that already made a case. */
const RETRY_HORIZON_MS = 24 * 3600_000;

export function officialAccountPush(deps: PushDeps, settings: OfficialAccountSettings, media: OaMediaSource): OfficialAccountPush {
  const windowMs = settings.pairWindowMinutes * 60_000;
  const r = settings.replies;
  const reportLimiter = new RateLimiterMemory({ points: deps.config.reportsPerMinute, duration: 60 });
  const bindLimiter = bindFailureLimiter();

  async function receiveHalf(openid: string, half: Half): Promise<string> {
    const userId = await deps.users.idByOfficialAccountOpenid(openid);
    const consumed = userId ? await consumedCaseNo(deps, userId, half) : null;
    if (consumed) return fillText(r.accepted, { caseNo: consumed, progress: PROGRESS_IN_APP });
    const decision = await deps.uow.run(async ({ officialAccount: oa }) => {
      // One follower's messages are decided one at a time, across processes too.
      await oa.lockFollower(openid);
      const d = decidePair(await oa.pendingHalf(openid), half, windowMs);
      if (d.kind === 'wait') await oa.savePending(openid, d.half);
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
      const { view } = await reportCase(
        deps,
        user!,
        { categoryCode: settings.defaultCategory, description: `公众号上报（照片+位置）${label ? `：${label}` : ''}`, lat: pair.location.lat, lng: pair.location.lng, address: label ?? undefined, anonymous: false },
        [photo],
        pairKey(pair.photo, pair.location),
        'official_account',
      );
      await keepOnly(deps, openid, null, pair.pending);
      // The reporter's tracking link (issue 13, item 4): progress without the mini-program.
      const link = deps.trackingLinks ? (await trackingLinkOf(deps, user!, view.row.id)).url : null;
      return fillText(r.accepted, { caseNo: view.row.caseNo, progress: link ? `查看办理进度：${link}` : PROGRESS_IN_APP });
    } catch (err) {
      if (!isAppError(err)) throw err;
      await keepOnly(deps, openid, halfToKeep(err.code, pair), pair.pending);
      return fillText(r.refused, { reason: err.message });
    }
  }

  return {
    async handle(msg) {
      if (msg.type === 'event') return (await followEvent(deps, msg.openid, msg.event, msg.at)) ? r.welcome : null;
      await deps.officialAccount.noteFollower(msg.openid, msg.at);
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

/**
 * After a pair was tried: the pending half it used is removed unless it is `keep`, and `keep` waits.
 * Only the exact half that was read is removed, so a newer message saved meanwhile survives.
 */
async function keepOnly(deps: Deps, openid: string, keep: Half | null, pending: Half): Promise<void> {
  if (keep === pending) return;
  if (keep) return deps.officialAccount.savePending(openid, keep);
  await deps.officialAccount.dropPending(openid, pending);
}

/** A follower nobody knows yet becomes a resident, known by the official account's openid only. */
async function residentFor(deps: Deps, openid: string): Promise<string> {
  const id = await deps.users.enrolOfficialAccountResident(openid, '公众号用户');
  await deps.officialAccount.linkFollower(openid, id);
  return id;
}

async function consumedCaseNo(deps: Deps, userId: string, half: Half): Promise<string | null> {
  const rows = await deps.officialAccount.reportsSince(userId, new Date(half.at.getTime() - RETRY_HORIZON_MS));
  const key = consumedBy(rows.map((x) => x.key), half);
  return key ? rows.find((x) => x.key === key)!.caseNo : null;
}

/** subscribe / unsubscribe; a retried older event never overwrites a newer one. Returns true on subscribe. */
async function followEvent(deps: Deps, openid: string, event: string, at: Date): Promise<boolean> {
  if (event !== 'subscribe' && event !== 'unsubscribe') return false;
  const subscribed = event === 'subscribe';
  await deps.officialAccount.recordFollow(openid, subscribed, at);
  return subscribed;
}

/* ---- replay protection (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html) ---- */

/** How long a nonce is remembered: twice the timestamp window, so a nonce cannot outlive its refusal. */
const NONCE_TTL_MS = 600_000;

export function nonceSeen(deps: Deps, nonce: string, timestamp: number): Promise<boolean> {
  return deps.officialAccount.nonceSeen(nonce, timestamp);
}

/**
 * Written after the push was handled, so a WeChat retry of a push that failed half-way is still taken.
 * Old nonces go, and so do pending halves a day old (past any window they are only ignored, never paired).
 */
export async function recordNonce(deps: Deps, nonce: string, timestamp: number): Promise<void> {
  const now = deps.clock.now();
  await deps.officialAccount.rememberNonce(nonce, timestamp, now);
  await deps.officialAccount.forgetNoncesBefore(new Date(now.getTime() - NONCE_TTL_MS));
  await deps.officialAccount.dropPendingBefore(new Date(now.getTime() - RETRY_HORIZON_MS));
}
