import type Router from '@koa/router';
import { formatBeijing } from '../domain/shanghai-time.js';
import type { SandboxMessage } from './record.js';
import type { SandboxState } from './state.js';

/**
 * GET /sandbox/inbox: what each person and each group would have seen in WeChat, newest first, refreshed
 * every 5 s — how a newcomer watches notifications arrive. `?openid=`, `?group=` and `?phone=` narrow it.
 */
const CHANNEL: Record<string, string> = {
  subscribe: '小程序订阅消息',
  oa_template: '公众号模板消息',
  wecom_robot: '企业微信群机器人',
  sms: '短信',
};

/** The partner platforms the sandbox plays (partner-api.ts), as people name them. */
const PARTNER_NAMES: Record<string, string> = { '12345': '12345 市长热线', '12319': '12319 城管服务热线', minyi: '民意网', minxin: '民心网' };
const partnerName = (id: string): string => PARTNER_NAMES[id] ?? `第三方巡查公司（${id.slice(3)}）`;
const channelText = (m: SandboxMessage): string =>
  m.recipient.partner ? (m.direction === 'ticket' ? '派单' : '状态回执') : (CHANNEL[m.channel] ?? m.channel);

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Box {
  title: string;
  items: SandboxMessage[];
}

function boxes(messages: SandboxMessage[], groupNames: ReadonlyMap<string, string>): { groups: Box[]; people: Box[]; partners: Box[] } {
  const groups = new Map<string, Box>();
  const people = new Map<string, Box>();
  const partners = new Map<string, Box>();
  for (const m of messages) {
    const r = m.recipient;
    const [map, key, title] = r.partner
      ? [partners, r.partner, partnerName(r.partner)]
      : r.group
      ? [groups, r.group, `${groupNames.get(r.group) ?? '群'}（${r.group}）`]
      : r.openid
        ? [people, `mp:${r.openid}`, `小程序用户 ${r.openid}`]
        : r.oaOpenid
          ? [people, `oa:${r.oaOpenid}`, `公众号粉丝 ${r.oaOpenid}`]
          : r.phone
            ? [people, `sms:${r.phone}`, `手机 ${r.phone}`]
            : [groups, `robot:${m.robot ?? ''}`, `未知机器人 ${m.robot ?? ''}`];
    const box = map.get(key) ?? { title, items: [] };
    box.items.push(m);
    map.set(key, box);
  }
  const newestFirst = (bs: Map<string, Box>): Box[] =>
    [...bs.values()].map((b) => ({ ...b, items: b.items.reverse() })).sort((a, b) => b.items[0]!.id - a.items[0]!.id);
  return { groups: newestFirst(groups), people: newestFirst(people), partners: newestFirst(partners) };
}

function item(m: SandboxMessage): string {
  const status = m.accepted ? '<span class="ok">已送达</span>' : `<span class="bad">被拒绝 ${esc(String(m.errcode))} ${esc(m.errmsg)}</span>`;
  const mentions = m.mentions?.length ? `<div class="at">提醒：${m.mentions.map((p) => `@${esc(p)}`).join(' ')}</div>` : '';
  const page = m.page ? `<div class="page">点击打开：${esc(m.page)}</div>` : '';
  // Robot image and file messages: the picture itself, and the file as a card with its name.
  const body = m.image
    ? `<img class="pic" src="/sandbox/media/${esc(m.image)}" alt="群机器人图片">`
    : m.file
      ? `<a class="file" href="/sandbox/media/${esc(m.file.mediaId)}"><span class="ext">文件</span>${esc(m.file.name)}</a>`
      : m.msgtype === 'markdown' && m.accepted
        ? `<div class="md">${markdown(m.content)}</div>`
        : `<pre>${esc(m.content)}</pre>`;
  return `<li class="${m.accepted ? '' : 'refused'}"><div class="meta">${formatBeijing(new Date(m.at), { seconds: true })} · ${channelText(m)}${m.templateId ? ` · 模板 ${esc(m.templateId)}` : ''} · ${status}</div>${body}${mentions}${page}</li>`;
}

/**
 * WeCom robot markdown as the group shows it: headings, bold, quotes and the three font colours
 * (info, comment, warning; https://developer.work.weixin.qq.com/document/path/91770). Escaped first.
 */
function markdown(md: string): string {
  return esc(md)
    .split('\n')
    .map((line) =>
      line
        .replace(/&#60;font color=&#34;(info|comment|warning)&#34;&#62;(.*?)&#60;\/font&#62;/g, '<span class="c-$1">$2</span>')
        .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
        .replace(/^#{1,6} (.*)$/, '<b class="h">$1</b>')
        .replace(/^&#62; ?(.*)$/, '<span class="q">$1</span>'),
    )
    .join('<br>');
}

function section(title: string, list: Box[], empty: string): string {
  const body = list.length
    ? list.map((b) => `<article><h3>${esc(b.title)} <small>${b.items.length} 条</small></h3><ul>${b.items.slice(0, 50).map(item).join('')}</ul></article>`).join('')
    : `<p class="empty">${empty}</p>`;
  return `<section><h2>${title}</h2>${body}</section>`;
}

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:1.5rem;background:#f5f6f7;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:2px solid #07c160;padding-bottom:.3rem}h3{font-size:1rem;margin:.2rem 0}
article{background:#fff;border-radius:8px;padding:.8rem 1rem;margin:.8rem 0;box-shadow:0 1px 2px #0001}ul{list-style:none;padding:0;margin:0}
li{border-top:1px solid #eee;padding:.5rem 0}li.refused{opacity:.75}.meta{font-size:.8rem;color:#666}.ok{color:#07c160}.bad{color:#d33}
pre{white-space:pre-wrap;margin:.3rem 0;font-family:inherit}.at,.page{font-size:.85rem;color:#576b95}small{color:#999;font-weight:normal}.empty{color:#999}
.pic{display:block;max-width:min(100%,720px);margin:.4rem 0;border:1px solid #eee;border-radius:4px}
.file{display:inline-block;margin:.4rem 0;padding:.5rem .8rem;border:1px solid #ddd;border-radius:6px;background:#fafafa;color:#222;text-decoration:none}
.ext{display:inline-block;margin-right:.5rem;padding:0 .35rem;border-radius:3px;background:#1d6f42;color:#fff;font-size:.8rem}
.md{margin:.3rem 0;line-height:1.6}.md .h{font-size:1.05rem}.md .q{color:#666}.c-info{color:#07c160}.c-comment{color:#999}.c-warning{color:#fa9d3b}`;

/**
 * The sandbox as a partner platform sending a ticket (POST /sandbox/control/partners/:channelId/tickets), so a
 * newcomer sees a 12345 complaint become a case; the page reloads to show FineCity's answer in the list.
 */
const PARTNER_FORM = `<section><h2>合作平台模拟</h2><p>以 12345 市长热线的身份，向城市管理平台发送一张签名工单（默认内容、位置在中山区）。</p>
<form id="partner-ticket"><label>工单内容 <input name="content" size="40" placeholder="市民来电反映：路边有暴露垃圾无人清理"></label>
<button type="submit" id="send-12345">模拟 12345 派单</button> <span id="partner-result" role="status"></span></form>
<script>
document.getElementById('partner-ticket').addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = document.getElementById('partner-result');
  const content = e.target.content.value.trim();
  out.textContent = '发送中…';
  try {
    const r = await fetch('/sandbox/control/partners/12345/tickets', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(content ? { content } : {}) });
    const a = await r.json();
    out.textContent = a.body && a.body.caseNo ? '已立案：' + a.body.caseNo : '平台未受理（' + a.status + '）';
  } catch (err) {
    out.textContent = '发送失败';
  }
});
</script></section>`;

export function inboxPage(router: Router, state: SandboxState, groupNames: ReadonlyMap<string, string>): void {
  router.get('/sandbox/inbox', (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    const list = state.record.list({ openid: q.openid, group: q.group, phone: q.phone, limit: 2000 });
    const { groups, people, partners } = boxes(list, groupNames);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>微信沙箱 · 消息收件箱</title><style>${STYLE}</style></head><body>
<h1>微信沙箱 · 消息收件箱</h1>
<p>这里是本地微信沙箱收到的全部通知：按群和个人分组，最新的在前，每 5 秒自动刷新。共 ${list.length} 条，其中被拒绝 ${list.filter((m) => !m.accepted).length} 条。</p>
${section('工作群（企业微信群机器人）', groups, '还没有群消息。')}
${section('个人（订阅消息 · 公众号模板消息 · 短信）', people, '还没有个人消息。')}
${PARTNER_FORM}
${section('合作平台（12345 等）：派单与状态回执', partners, '还没有合作平台的派单或回执。')}
</body></html>`;
  });
}
