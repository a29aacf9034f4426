import type { ContentCheck, ContentVerdict } from '../../domain/notify-ports.js';
import { withAccessToken, type AccessTokenSource } from './access-token.js';
import { callJson } from './http.js';

/**
 * Text security through msgSecCheck v2 (`POST wxa/msg_sec_check`, https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/sec-check/security.msgSecCheck.html):
 * `result.suggest`
 * is the verdict. When the check itself fails — 40003/43104 (openid), 40129 (scene), 47001 (format), −1,
 * quota, a timeout, the network — the answer is 'review': a citizen is never refused because the check
 * could not run; a dispatcher reads the text instead.
 */
export interface MsgSecCheckOptions {
  apiBase: string;
  timeoutMs: number;
  /** The mini-program's access token. */
  tokens: AccessTokenSource;
  /** 1 资料, 2 评论, 3 论坛, 4 社交日志 (default 2). */
  scene?: 1 | 2 | 3 | 4;
}

const VERDICTS = new Set<ContentVerdict>(['pass', 'review', 'risky']);
/** msgSecCheck takes at most 2500 characters; a longer text is checked in its first 2500. */
const MAX_CHARS = 2500;

export function msgSecCheck(o: MsgSecCheckOptions): ContentCheck {
  const url = `${o.apiBase.replace(/\/+$/, '')}/wxa/msg_sec_check`;
  return {
    async checkText(openid: string, content: string): Promise<ContentVerdict> {
      if (!content.trim()) return 'pass';
      const body = { version: 2, openid, scene: o.scene ?? 2, content: Array.from(content).slice(0, MAX_CHARS).join('') };
      try {
        const reply = await withAccessToken(o.tokens, async (token) => (await callJson(`${url}?access_token=${encodeURIComponent(token)}`, { body, timeoutMs: o.timeoutMs })).json);
        const suggest = (reply.result as { suggest?: ContentVerdict } | undefined)?.suggest;
        return !reply.errcode && suggest && VERDICTS.has(suggest) ? suggest : 'review';
      } catch {
        return 'review';
      }
    },
  };
}
