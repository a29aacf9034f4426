import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { wxReply } from './http-util.js';
import type { SandboxState } from './state.js';

/**
 * WeCom web sign-in in the sandbox:
 * - the OAuth page (open.weixin.qq.com/connect/oauth2/authorize?appid=CORPID&redirect_uri=…&response_type=code
 *   &scope=snsapi_base&state=…&agentid=…#wechat_redirect, https://developer.work.weixin.qq.com/document/path/91022),
 *   served at AUTHORIZE_PATH. It lists the staff who have a WeCom userid, read from the FineCity server
 *   the redirect_uri belongs to (its sandbox-only GET /api/v1/sandbox/wecom-members), and on a click
 *   redirects to redirect_uri?code=sandbox-wecom:<userid>&state=…;
 * - GET cgi-bin/gettoken?corpid=&corpsecret= (https://developer.work.weixin.qq.com/document/path/91039):
 *   40013 invalid corpid, 40001 invalid secret; tokens live 7200 s;
 * - GET cgi-bin/auth/getuserinfo?access_token=&code= (https://developer.work.weixin.qq.com/document/path/91023):
 *   41001 missing token, 40014 invalid token, 42001 expired, 41008 missing code, 40029 invalid code.
 *   `sandbox-wecom:<userid>` answers that userid; `sandbox-wecom-openid:<openid>` a non-member's openid.
 */
export const AUTHORIZE_PATH = '/wecom/connect/oauth2/authorize';
export const MEMBERS_PATH = '/api/v1/sandbox/wecom-members';
const TOKEN_TTL_S = 7200;
const USERID = /^[0-9A-Za-z_.@-]{1,64}$/;
const CODE = /^sandbox-wecom:([0-9A-Za-z_.@-]{1,64})$/;
const OPENID_CODE = /^sandbox-wecom-openid:([0-9A-Za-z_-]{1,64})$/;

export interface WecomCorp {
  corpId: string;
  secret: string;
}

interface Member {
  userid: string;
  name: string;
  unit?: string | null;
}

export function wecomOAuth(router: Router, state: SandboxState, prefix: string, corp: WecomCorp): void {
  const tokens = new Map<string, number>();

  router.get(`${prefix}/cgi-bin/gettoken`, (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    if (q.corpid !== corp.corpId) return wxReply(ctx, 40013, 'invalid corpid');
    if (q.corpsecret !== corp.secret) return wxReply(ctx, 40001, 'invalid secret');
    const token = `sbx-wecom-${crypto.randomBytes(16).toString('hex')}`;
    tokens.set(token, state.now() + TOKEN_TTL_S * 1000);
    wxReply(ctx, 0, 'ok', { access_token: token, expires_in: TOKEN_TTL_S });
  });

  router.get(`${prefix}/cgi-bin/auth/getuserinfo`, (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    if (!q.access_token) return wxReply(ctx, 41001, 'access_token missing');
    const expiry = tokens.get(q.access_token);
    if (expiry === undefined) return wxReply(ctx, 40014, 'invalid access_token');
    if (expiry <= state.now()) return wxReply(ctx, 42001, 'access_token expired');
    if (!q.code) return wxReply(ctx, 41008, 'missing code');
    const member = CODE.exec(q.code)?.[1];
    if (member) return wxReply(ctx, 0, 'ok', { userid: member, user_ticket: `sbx-ticket-${member}`, expires_in: 1800 });
    const outsider = OPENID_CODE.exec(q.code)?.[1];
    if (outsider) return wxReply(ctx, 0, 'ok', { openid: outsider, external_userid: '' });
    wxReply(ctx, 40029, 'invalid code');
  });

  router.get(AUTHORIZE_PATH, async (ctx) => authorizePage(ctx, corp));
}

async function authorizePage(ctx: Context, corp: WecomCorp): Promise<void> {
  const q = ctx.query as Record<string, string | undefined>;
  const target = redirectTarget(q.redirect_uri);
  const problem =
    (q.appid !== corp.corpId ? '参数错误：appid 不是本企业的 CorpID。' : null) ??
    (!target ? '参数错误：redirect_uri 不是有效的网址。' : null) ??
    (q.response_type !== 'code' ? '参数错误：response_type 应为 code。' : null) ??
    (q.scope !== 'snsapi_base' && q.scope !== 'snsapi_privateinfo' ? '参数错误：scope 应为 snsapi_base。' : null);
  ctx.type = 'text/html; charset=utf-8';
  if (problem || !target) {
    ctx.status = 400;
    ctx.body = page('企业微信授权（沙箱）', `<p class="err">${esc(problem ?? '参数错误')}</p>`);
    return;
  }
  const chosen = q.userid && USERID.test(q.userid) ? q.userid : null;
  if (chosen) {
    // Same as WeCom: the code and state are added to redirect_uri's query (before any #fragment).
    target.searchParams.set('code', `sandbox-wecom:${chosen}`);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    ctx.redirect(target.toString());
    return;
  }
  const members = await fetchMembers(target);
  const link = (userid: string): string => {
    const u = new URL(ctx.href);
    u.searchParams.set('userid', userid);
    return `${u.pathname}${u.search}`;
  };
  const list = members === null
    ? '<p class="err">无法读取人员名单（FineCity 服务器未开启沙箱或无法访问），可在下方直接输入企业微信账号。</p>'
    : members.length === 0
      ? '<p>还没有登记企业微信账号的工作人员。请管理员在人员名单中填写“企业微信账号”。</p>'
      : `<ul>${members.map((m) => `<li><a href="${esc(link(m.userid))}">${esc(m.name)}</a> <span class="muted">${esc(m.unit ?? '')} · 账号 ${esc(m.userid)}</span></li>`).join('')}</ul>`;
  const hidden = Object.entries(q)
    .filter(([k, v]) => k !== 'userid' && typeof v === 'string')
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v!)}">`)
    .join('');
  ctx.body = page(
    '企业微信授权登录（沙箱）',
    `<p>这是企业微信网页授权的沙箱页面。请选择以哪位成员的身份登录：</p>${list}
<form method="get" action="${AUTHORIZE_PATH}">${hidden}<label>企业微信账号 <input name="userid" pattern="[0-9A-Za-z_.@-]{1,64}" required></label> <button type="submit">登录</button></form>`,
  );
}

function redirectTarget(raw: string | undefined): URL | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/** The staff list of the FineCity server the browser returns to (sandbox only); null when it does not answer. */
async function fetchMembers(target: URL): Promise<Member[] | null> {
  try {
    const res = await fetch(new URL(MEMBERS_PATH, target.origin), { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return null;
    const json = (await res.json()) as { members?: unknown };
    if (!Array.isArray(json.members)) return null;
    return json.members.filter((m): m is Member => !!m && typeof (m as Member).userid === 'string' && typeof (m as Member).name === 'string');
  } catch {
    return null;
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, content: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>body{font-family:sans-serif;max-width:640px;margin:2em auto;padding:0 1em}li{margin:.5em 0}.muted{color:#888}.err{color:#c00}</style></head>
<body><h1>${esc(title)}</h1>${content}</body></html>`;
}
