import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError } from '../../domain/errors.js';
import type { AttachmentFetcher } from '../../usecases/channels/intake-ports.js';

/**
 * Fetches a partner's attachment by URL without letting the URL reach inside our network (SSRF, OWASP:
 * https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).
 *
 * - http and https only; at most `maxRedirects` redirects, each hop checked like the first;
 * - the host is resolved here and EVERY address it resolves to must be public (IANA special-purpose
 *   registries, RFC 6890: loopback, private, link-local incl. cloud metadata 169.254.169.254, CGNAT, multicast,
 *   reserved, IPv6 ULA/link-local, IPv4-mapped); the connection then goes to the address that was checked, so
 *   a second DNS answer cannot swap it (DNS rebinding);
 * - `maxBytes` (declared or streamed) and one `timeoutMs` for the whole fetch, redirects included.
 *
 * `allowHosts` (CHANNEL_FETCH_ALLOW_HOSTS) names hosts exempt from the address check: the sandbox and tests
 * serve images from 127.0.0.1. Never set it in production.
 */
export interface FetcherOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowHosts: readonly string[];
}

const BLOCKED = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24],
  ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(net4, prefix, 'ipv4');
for (const [net6, prefix] of [['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) BLOCKED.addSubnet(net6, prefix, 'ipv6');

/** True for an address inside our network or otherwise not a public unicast host. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
    return BLOCKED.check(address, 'ipv6');
  }
  return true;
}

function refuse(reason: string, message: string): AppError {
  return new AppError('channel.attachment_invalid', message, { reason });
}

export function guardedFetcher(o: FetcherOptions): AttachmentFetcher {
  const allowed = new Set(o.allowHosts.map((h) => h.toLowerCase()));

  async function target(url: URL): Promise<{ address: string; family: number }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('attachment.bad_scheme', '附件地址只支持 http 与 https');
    if (url.username || url.password) throw refuse('attachment.bad_url', '附件地址不能带用户名或密码');
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    let addrs: { address: string; family: number }[];
    if (net.isIP(host)) addrs = [{ address: host, family: net.isIP(host) }];
    else {
      try {
        addrs = await dns.lookup(host, { all: true, verbatim: true });
      } catch {
        throw refuse('attachment.unresolvable', '附件地址的域名无法解析');
      }
    }
    if (!addrs.length) throw refuse('attachment.unresolvable', '附件地址的域名无法解析');
    if (!allowed.has(host) && addrs.some((a) => isPrivateAddress(a.address))) throw refuse('attachment.private_address', '附件地址指向内部网络，已拒绝');
    return addrs[0]!;
  }

  function once(url: URL, to: { address: string; family: number }, signal: AbortSignal): Promise<{ redirect: string } | { body: Buffer }> {
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, {
        method: 'GET', signal, headers: { accept: 'image/*', 'user-agent': 'FineCity-attachment-fetcher' },
        // Connect to the address that was checked, whatever the resolver would answer now.
        lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (opts?.all) cb(null, [{ address: to.address, family: to.family }]);
          else cb(null, to.address, to.family);
        }) as unknown as net.LookupFunction,
      });
      req.on('error', (err) => reject(signal.aborted ? refuse('attachment.timeout', `附件下载超时（${o.timeoutMs / 1000} 秒）`) : refuse('attachment.unreachable', `附件无法下载：${(err as NodeJS.ErrnoException).code ?? '连接失败'}`)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolve({ redirect: res.headers.location });
          return;
        }
        if (status !== 200) {
          res.resume();
          reject(refuse('attachment.http_status', `附件无法下载：对方返回 HTTP ${status}`));
          return;
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        const tooLarge = refuse('photo.too_large', `附件超过 ${o.maxBytes / 1024 / 1024} MB`);
        if (declared > o.maxBytes) {
          res.destroy();
          reject(tooLarge);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > o.maxBytes) {
            res.destroy();
            reject(tooLarge);
          } else chunks.push(c);
        });
        res.on('end', () => resolve({ body: Buffer.concat(chunks) }));
        res.on('error', (err) => reject(refuse('attachment.unreachable', `附件下载中断：${err.message}`)));
      });
      req.end();
    });
  }

  return {
    async fetch(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw refuse('attachment.bad_url', '附件地址不是合法的 URL');
      }
      const signal = AbortSignal.timeout(o.timeoutMs);
      for (let hop = 0; hop <= o.maxRedirects; hop++) {
        const to = await target(url);
        const r = await once(url, to, signal);
        if ('body' in r) {
          if (!r.body.length) throw refuse('photo.empty', '附件为空');
          return r.body;
        }
        try {
          url = new URL(r.redirect, url);
        } catch {
          throw refuse('attachment.bad_url', '附件重定向地址不合法');
        }
      }
      throw refuse('attachment.too_many_redirects', `附件重定向超过 ${o.maxRedirects} 次`);
    },
  };
}
