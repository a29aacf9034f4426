import http from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';

/**
 * The project's stand-in for api.weixin.qq.com: same paths, same parameters, same error codes
 * (wechat-platform.md). Production code reaches it only through its configured base URL.
 *
 * Login codes: `sandbox:<openid>` logs in as that openid (reusable, so the demo picker works);
 * `sandbox-error:<errcode>` answers that WeChat error, for tests of the error paths; anything else is
 * what WeChat says of an unknown code, 40029.
 */
export interface SandboxOptions {
  mpAppId: string;
  mpAppSecret: string;
}

export interface SandboxCall {
  at: string;
  path: string;
  query: Record<string, string>;
}

export interface WeChatSandbox {
  app: Koa;
  calls: SandboxCall[];
  listen(port: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

export function createWeChatSandbox(o: SandboxOptions): WeChatSandbox {
  const app = new Koa();
  const router = new Router();
  const calls: SandboxCall[] = [];

  app.use(async (ctx, next) => {
    calls.push({ at: new Date().toISOString(), path: ctx.path, query: { ...(ctx.query as Record<string, string>), secret: '***' } });
    if (calls.length > 5000) calls.splice(0, calls.length - 5000);
    await next();
  });

  router.get('/sns/jscode2session', (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    if (q.appid !== o.mpAppId) return void (ctx.body = { errcode: 40013, errmsg: 'invalid appid' });
    if (q.secret !== o.mpAppSecret) return void (ctx.body = { errcode: 40125, errmsg: 'invalid appsecret' });
    if (q.grant_type !== 'authorization_code') return void (ctx.body = { errcode: 40002, errmsg: 'invalid grant_type' });
    const code = q.js_code ?? '';
    const forced = /^sandbox-error:(-?\d+)$/.exec(code);
    if (forced) return void (ctx.body = { errcode: Number(forced[1]), errmsg: 'sandbox injected error' });
    const m = /^sandbox:([A-Za-z0-9_-]{1,64})$/.exec(code);
    if (!m) return void (ctx.body = { errcode: 40029, errmsg: 'invalid code' });
    ctx.body = { openid: m[1], session_key: 'c2FuZGJveC1zZXNzaW9uLWtleQ==' };
  });

  app.use(router.routes()).use(router.allowedMethods());

  return {
    app,
    calls,
    listen(port, host = '127.0.0.1') {
      const server = http.createServer(app.callback());
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as { port: number };
          resolve({
            url: `http://${host}:${addr.port}`,
            close: () => new Promise<void>((r) => server.close(() => r())),
          });
        });
      });
    },
  };
}
