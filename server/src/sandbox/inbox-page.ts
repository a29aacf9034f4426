import type Router from '@koa/router';
import { formatBeijing } from '../domain/shanghai-time.js';
import type { SandboxMessage } from './record.js';
import type { SandboxState } from './state.js';

/**
 * GET /sandbox/inbox: what each person and each group would have seen in WeChat, newest first, refreshed
 * every 5 s — how a newcomer watches notifications arrive. `?openid=`, `?group=` and `?phone=` narrow it.
 */
const CHANNEL: Record<SandboxMessage['channel'], string> = {
  subscribe: '小程序订阅消息',
  oa_template: '公众号模板消息',
  wecom_robot: '企业微信群机器人',
  sms: '短信',
};

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Box {
  title: string;
  items: SandboxMessage[];
}

function boxes(messages: SandboxMessage[], groupNames: ReadonlyMap<string, string>): { groups: Box[]; people: Box[] } {
  const groups = new Map<string, Box>();
  const people = new Map<string, Box>();
  for (const m of messages) {
    const r = m.recipient;
    const [map, key, title] = r.group
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
  return { groups: newestFirst(groups), people: newestFirst(people) };
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
  return `<li class="${m.accepted ? '' : 'refused'}"><div class="meta">${formatBeijing(new Date(m.at), { seconds: true })} · ${CHANNEL[m.channel]}${m.templateId ? ` · 模板 ${esc(m.templateId)}` : ''} · ${status}</div>${body}${mentions}${page}</li>`;
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

export function inboxPage(router: Router, state: SandboxState, groupNames: ReadonlyMap<string, string>): void {
  router.get('/sandbox/inbox', (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    const list = state.record.list({ openid: q.openid, group: q.group, phone: q.phone, limit: 2000 });
    const { groups, people } = boxes(list, groupNames);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>微信沙箱 · 消息收件箱</title><style>${STYLE}</style></head><body>
<h1>微信沙箱 · 消息收件箱</h1>
<p>这里是本地微信沙箱收到的全部通知：按群和个人分组，最新的在前，每 5 秒自动刷新。共 ${list.length} 条，其中被拒绝 ${list.filter((m) => !m.accepted).length} 条。</p>
${section('工作群（企业微信群机器人）', groups, '还没有群消息。')}
${section('个人（订阅消息 · 公众号模板消息 · 短信）', people, '还没有个人消息。')}
</body></html>`;
  });
}
