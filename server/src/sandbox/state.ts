import crypto from 'node:crypto';
import { MessageRecord } from './record.js';
import type { SandboxTemplates } from './templates.js';

/**
 * Everything the sandbox remembers, in memory: the apps and their access tokens, who follows the official
 * account, subscribe-message credits, robot rate windows, uploaded media, injected failures and the record
 * of every message. One object per sandbox; `reset()` forgets all but the apps and their tokens.
 */
export type AppKind = 'mp' | 'oa';

export interface SandboxApp {
  kind: AppKind;
  appId: string;
  secret: string;
}

interface Token {
  appId: string;
  kind: AppKind;
  expiresAt: number;
}

export interface InjectedFailure {
  errcode?: number | string;
  errmsg?: string;
  httpStatus?: number;
  delayMs?: number;
  /** Handle the call (accept and record the message), then hold the answer this long: a provider that accepted and then timed out. */
  answerDelayMs?: number;
  times: number;
  /** A failure rate instead of a count: each call fails with this probability (%) until `until` (epoch ms). */
  percent?: number;
  until?: number;
}

export interface StoredMedia {
  id: string;
  type: string;
  bytes: Buffer;
  contentType: string;
  createdAt: number;
  /** The uploaded file's name (robot file messages). */
  name?: string;
}

/** The stable and classic tokens live 7200 s (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken). */
export const TOKEN_TTL_S = 7200;
/** A stable token in normal mode is renewed only in its last 5 minutes; old and new overlap (same page). */
const RENEW_WINDOW_MS = 5 * 60_000;
export const FORCE_REFRESH_PER_DAY = 20;
export const FORCE_REFRESH_MIN_GAP_MS = 30_000;
/** WeCom: 20 messages per robot per minute (https://developer.work.weixin.qq.com/document/path/91770); the sandbox uses a rolling 60 s window. */
export const ROBOT_PER_MINUTE = 20;
/** WeCom's window; a sandbox may be given a shorter one (ROBOT_WINDOW_MS) so tests see the limit in seconds. */
export const ROBOT_WINDOW_MS = 60_000;

export class SandboxState {
  readonly record = new MessageRecord();
  strictCredits: boolean;
  private readonly tokens = new Map<string, Token>();
  private readonly stable = new Map<string, string>();
  private readonly classic = new Map<string, string>();
  private readonly forced = new Map<string, number[]>();
  private follows = new Map<string, boolean>();
  private credits = new Map<string, number>();
  /** Long-term subscriptions accepted (openid, template id). */
  private longTerm = new Set<string>();
  /** The account's service category allows long-term templates (政务民生); when off, their ids answer 40037. */
  longTermAllowed = true;
  private robotSends = new Map<string, number[]>();
  private failures = new Map<string, InjectedFailure[]>();
  private media = new Map<string, StoredMedia>();
  /** SMS outId → messageId: the gateway sends an outId once. */
  smsSent = new Map<string, string>();
  private readonly initialStrict: boolean;
  /** What other parts of the sandbox forget on reset (the partner platforms' injected failures). */
  readonly onReset: (() => void)[] = [];

  constructor(
    readonly apps: readonly SandboxApp[],
    readonly templates: SandboxTemplates,
    readonly now: () => number,
    strictCredits = false,
    readonly robotWindowMs = ROBOT_WINDOW_MS,
  ) {
    this.strictCredits = strictCredits;
    this.initialStrict = strictCredits;
  }

  app(appId: string | undefined): SandboxApp | undefined {
    return this.apps.find((a) => a.appId === appId);
  }

  appOfKind(kind: AppKind): SandboxApp {
    return this.apps.find((a) => a.kind === kind)!;
  }

  /** Stable token, normal mode: the current one while it has more than 5 minutes left, else a new one. */
  stableToken(app: SandboxApp, force: boolean): { token: string; expiresIn: number } {
    const current = this.stable.get(app.appId);
    const t = current ? this.tokens.get(current) : undefined;
    const now = this.now();
    if (!force && current && t && t.expiresAt - now > RENEW_WINDOW_MS) return { token: current, expiresIn: Math.floor((t.expiresAt - now) / 1000) };
    // force_refresh invalidates the previous stable token at once; a normal renewal lets it run out.
    if (force && current) this.tokens.delete(current);
    const token = this.mint(app);
    this.stable.set(app.appId, token);
    return { token, expiresIn: TOKEN_TTL_S };
  }

  /** force_refresh: at most 20 a day and 30 s apart (stable-token page); null when allowed, else the reason. */
  forceRefreshRefusal(appId: string): string | null {
    const now = this.now();
    const recent = (this.forced.get(appId) ?? []).filter((t) => now - t < 24 * 3600_000);
    if (recent.length >= FORCE_REFRESH_PER_DAY) return 'reach max api daily quota limit';
    const last = recent[recent.length - 1];
    if (last !== undefined && now - last < FORCE_REFRESH_MIN_GAP_MS) return 'api minute-quota reach limit, force_refresh must be 30 s apart';
    recent.push(now);
    this.forced.set(appId, recent);
    return null;
  }

  /** Classic cgi-bin/token: a new token each call, and the previous classic token stops working. */
  classicToken(app: SandboxApp): string {
    const prev = this.classic.get(app.appId);
    if (prev) this.tokens.delete(prev);
    const token = this.mint(app);
    this.classic.set(app.appId, token);
    return token;
  }

  /** 0 when valid for this app kind; else WeChat's errcode: 41001 missing, 40001 unknown, 42001 expired, 48001 wrong app. */
  checkToken(token: string | undefined, kinds: readonly AppKind[]): { errcode: number; errmsg: string; app?: SandboxApp } {
    if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
    const t = this.tokens.get(token);
    if (!t) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    if (t.expiresAt <= this.now()) return { errcode: 42001, errmsg: 'access_token expired' };
    if (!kinds.includes(t.kind)) return { errcode: 48001, errmsg: 'api unauthorized' };
    return { errcode: 0, errmsg: 'ok', app: this.app(t.appId)! };
  }

  /** Control: make every token (of one app) expire now, to exercise 42001. */
  expireTokens(appId?: string): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (!appId || t.appId === appId) {
        t.expiresAt = this.now();
        n++;
      }
    }
    return n;
  }

  private mint(app: SandboxApp): string {
    // Real tokens run to ~150 characters; WeChat asks for 512 characters of storage.
    const token = `sbx_${app.kind}_${crypto.randomBytes(72).toString('base64url')}`;
    this.tokens.set(token, { appId: app.appId, kind: app.kind, expiresAt: this.now() + TOKEN_TTL_S * 1000 });
    return token;
  }

  /** Official-account follow state: set by control, else openids starting with `oa-` follow. */
  isFollowing(oaOpenid: string): boolean {
    return this.follows.get(oaOpenid) ?? oaOpenid.startsWith('oa-');
  }

  setFollow(oaOpenid: string, subscribed: boolean): void {
    this.follows.set(oaOpenid, subscribed);
  }

  credit(openid: string, templateId: string): number {
    return this.credits.get(`${openid}\u0000${templateId}`) ?? 0;
  }

  hasLongTerm(openid: string, templateId: string): boolean {
    return this.longTerm.has(`${openid}\u0000${templateId}`);
  }

  /** The user accepted (true) or turned off (false) a long-term template. */
  setLongTerm(openid: string, templateId: string, on: boolean): void {
    if (on) this.longTerm.add(`${openid}\u0000${templateId}`);
    else this.longTerm.delete(`${openid}\u0000${templateId}`);
  }

  addCredit(openid: string, templateId: string, count: number, set = false): number {
    const next = Math.max(0, (set ? 0 : this.credit(openid, templateId)) + count);
    this.credits.set(`${openid}\u0000${templateId}`, next);
    return next;
  }

  /** Counts an accepted robot message; false when the key already has 20 in the last 60 s. */
  robotAllows(key: string): boolean {
    const now = this.now();
    const recent = (this.robotSends.get(key) ?? []).filter((t) => now - t < this.robotWindowMs);
    this.robotSends.set(key, recent);
    return recent.length < ROBOT_PER_MINUTE;
  }

  robotSent(key: string): void {
    const list = this.robotSends.get(key) ?? [];
    list.push(this.now());
    this.robotSends.set(key, list);
  }

  injectFailure(path: string, f: InjectedFailure): void {
    const list = this.failures.get(path) ?? [];
    list.push(f);
    this.failures.set(path, list);
  }

  /** The next injected failure for this path, spending one of its `times` (a rate failure draws instead, until it ends). */
  takeFailure(path: string): InjectedFailure | undefined {
    const list = this.failures.get(path);
    const f = list?.[0];
    if (!list || !f) return undefined;
    if (f.percent !== undefined) {
      if (f.until !== undefined && this.now() >= f.until) {
        list.shift();
        if (!list.length) this.failures.delete(path);
        return this.takeFailure(path);
      }
      return Math.random() * 100 < f.percent ? { ...f } : undefined;
    }
    f.times -= 1;
    if (f.times <= 0) list.shift();
    if (!list.length) this.failures.delete(path);
    return { ...f };
  }

  putMedia(type: string, bytes: Buffer, contentType: string, name?: string): StoredMedia {
    const m: StoredMedia = { id: `sbxmedia_${crypto.randomBytes(24).toString('base64url')}`, type, bytes, contentType, createdAt: this.now(), ...(name ? { name } : {}) };
    this.media.set(m.id, m);
    return m;
  }

  getMedia(id: string): StoredMedia | undefined {
    const m = this.media.get(id);
    // Temporary media live 3 days on WeChat.
    return m && this.now() - m.createdAt < 3 * 24 * 3600_000 ? m : undefined;
  }

  reset(): void {
    this.record.clear();
    this.follows = new Map();
    this.credits = new Map();
    this.longTerm = new Set();
    this.longTermAllowed = true;
    this.robotSends = new Map();
    this.failures = new Map();
    this.media = new Map();
    this.smsSent = new Map();
    this.strictCredits = this.initialStrict;
    for (const f of this.onReset) f();
  }
}
