import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { body, OPENID, wxReply } from './http-util.js';
import type { SandboxState } from './state.js';

/**
 * msgSecCheck v2 (https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/sec-check/security.msgSecCheck.html).
 * The sandbox's verdict, so tests and the demo can reach each one:
 * - `[risky]` in the text, or a word of RISKY below → `risky`;
 * - `[review]`, or a word of REVIEW → `review`;
 * - anything else → `pass` (label 100).
 * Version 1 (no `version`) answers 87014 for risky text, as WeChat did before 2021-09-01.
 */
const RISKY: Record<string, number> = { 赌博: 20006, 毒品: 20006, 枪支: 20006, 代开发票: 20008, 色情: 20002 };
const REVIEW: Record<string, number> = { 加微信: 10001, 刷单: 20008, 兼职: 10001, 傻: 20003 };

export function secCheckApi(router: Router, state: SandboxState): void {
  router.post('/wxa/msg_sec_check', (ctx) => msgSecCheck(ctx, state));
}

function verdict(content: string): { suggest: 'pass' | 'review' | 'risky'; label: number; keyword?: string } {
  if (content.includes('[risky]')) return { suggest: 'risky', label: 21000 };
  const risky = Object.keys(RISKY).find((w) => content.includes(w));
  if (risky) return { suggest: 'risky', label: RISKY[risky]!, keyword: risky };
  if (content.includes('[review]')) return { suggest: 'review', label: 21000 };
  const review = Object.keys(REVIEW).find((w) => content.includes(w));
  if (review) return { suggest: 'review', label: REVIEW[review]!, keyword: review };
  return { suggest: 'pass', label: 100 };
}

function msgSecCheck(ctx: Context, state: SandboxState): void {
  const t = state.checkToken(ctx.query.access_token as string | undefined, ['mp']);
  if (t.errcode) return wxReply(ctx, t.errcode, t.errmsg);
  const b = body(ctx);
  if (!b) return wxReply(ctx, 47001, 'data format error');
  if (typeof b.content !== 'string' || !b.content) return wxReply(ctx, 44002, 'empty post data');
  if (Array.from(b.content).length > 2500) return wxReply(ctx, 47001, 'data format error: content exceeds 2500 characters');
  const v = verdict(b.content);
  if (b.version === undefined || b.version === 1) return v.suggest === 'risky' ? wxReply(ctx, 87014, 'risky content') : wxReply(ctx, 0, 'ok');
  if (b.version !== 2) return wxReply(ctx, 47001, 'data format error: version');
  if (typeof b.openid !== 'string' || !OPENID.test(b.openid)) return wxReply(ctx, 40003, 'invalid openid');
  if (![1, 2, 3, 4].includes(b.scene as number)) return wxReply(ctx, 40129, 'invalid scene');
  wxReply(ctx, 0, 'ok', {
    result: { suggest: v.suggest, label: v.label },
    detail: [
      { strategy: 'content_model', errcode: 0, suggest: v.suggest, label: v.label, prob: v.suggest === 'pass' ? 0 : 90 },
      ...(v.keyword ? [{ strategy: 'keyword', errcode: 0, suggest: v.suggest, label: v.label, level: 20, keyword: v.keyword }] : []),
    ],
    trace_id: crypto.randomBytes(12).toString('hex'),
  });
}
