import http from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { channelSettings, SANDBOX_DEFAULTS, sandboxChannelSecret, type AppConfig } from '../config.js';
import { controlApi } from './control-api.js';
import { injectFailures, parseJson } from './http-util.js';
import { inboxPage } from './inbox-page.js';
import { mediaApi } from './media-api.js';
import { PartnerPlay, partnerApi } from './partner-api.js';
import type { MessageFilter, SandboxMessage } from './record.js';
import { secCheckApi } from './sec-check-api.js';
import { describeSms, SMS_PATH, smsApi } from './sms-api.js';
import { SandboxState } from './state.js';
import { sandboxTemplates, type NotificationTemplatesConfig } from './templates.js';
import { describeSubscribe, describeTemplate, wechatApi } from './wechat-api.js';
import { describeWebhook, WEBHOOK_PATH, wecomApi } from './wecom-api.js';
import { sandboxPageHeaders } from '../http/security.js';

/**
 * The project's stand-in for api.weixin.qq.com, qyapi.weixin.qq.com (under /qyapi) and an SMS gateway (/sms):
 * same paths, same parameters, same validation and error codes (as each API's page on developers.weixin.qq.com
 * and developer.work.weixin.qq.com documents them), a record of every
 * message, an inbox page and control endpoints (control-api.ts). Production code reaches it only through
 * its configured base URLs. Run it alone with `tsx server/src/sandbox/main.ts`.
 */
export interface SandboxOptions {
  mpAppId: string;
  mpAppSecret: string;
  oaAppId?: string;
  oaAppSecret?: string;
  smsApiKey?: string;
  /** config/notifications.json (policy.notifications): the template ids the sandbox apps know. */
  notifications?: NotificationTemplatesConfig;
  /** Org node codes that have a WeCom group robot; absent → any `sbx-robot-<code>` key is a group. */
  robotGroups?: Iterable<string>;
  /** Org node code → name, for the inbox page. */
  groupNames?: ReadonlyMap<string, string>;
  /** Refuse subscribe messages without a credit granted through the control endpoint (43101). */
  strictCredits?: boolean;
  /** The robots' 20-message window (WeCom: 60 s); the server's ROBOT_WINDOW_MS. */
  robotWindowMs?: number;
  /** The corp whose WeCom web sign-in the sandbox serves (WECOM_CORP_ID / WECOM_SECRET); default the sandbox corp. */
  wecomCorp?: { corpId: string; secret: string };
  /** The sandbox's clock (token expiry, robot windows, record times). */
  now?: () => number;
  /** A partner channel's secret (CHANNEL_<ID>_SECRET); default the sandbox's made-up one (config/env.example). */
  partnerSecret?: (channelId: string) => string;
  /** Where FineCity listens, for the tickets the sandbox sends as a partner; settable later (partners.setFineCityUrl). */
  fineCityUrl?: string | null;
}

export interface SandboxCall {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface WeChatSandbox {
  app: Koa;
  calls: SandboxCall[];
  state: SandboxState;
  /** The record (what GET /sandbox/messages answers), oldest first. */
  messages(filter?: MessageFilter): SandboxMessage[];
  /** Whether an org node has a group robot in the sandbox. */
  hasGroup(orgNodeCode: string): boolean;
  /** The partner platforms it plays (partner-api.ts): tell it where FineCity listens once the API is up. */
  partners: PartnerPlay;
  listen(port: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

export function createWeChatSandbox(o: SandboxOptions): WeChatSandbox {
  const apps = [
    { kind: 'mp' as const, appId: o.mpAppId, secret: o.mpAppSecret },
    { kind: 'oa' as const, appId: o.oaAppId ?? SANDBOX_DEFAULTS.oaAppId, secret: o.oaAppSecret ?? SANDBOX_DEFAULTS.oaAppSecret },
  ];
  const state = new SandboxState(apps, sandboxTemplates(o.notifications), o.now ?? Date.now, o.strictCredits ?? false, o.robotWindowMs);
  const groups = o.robotGroups ? new Set(o.robotGroups) : undefined;
  const partners = new PartnerPlay({ secret: o.partnerSecret ?? sandboxChannelSecret, fineCityUrl: o.fineCityUrl ?? null }, state.now);
  const app = new Koa();
  const router = new Router();
  const calls: SandboxCall[] = [];

  app.use(sandboxPageHeaders()); // CSP, nosniff, no framing on the inbox and OAuth pages (issue 14, item 8)
  app.use(async (ctx, next) => {
    const query = { ...(ctx.query as Record<string, string>) };
    if (query.secret) query.secret = '***';
    if (query.corpsecret) query.corpsecret = '***';
    calls.push({ at: new Date(state.now()).toISOString(), method: ctx.method, path: ctx.path, query });
    if (calls.length > 5000) calls.splice(0, calls.length - 5000);
    await next();
  });
  app.use(parseJson());
  app.use(
    injectFailures(state, {
      '/cgi-bin/message/subscribe/send': describeSubscribe,
      '/cgi-bin/message/template/send': describeTemplate,
      [WEBHOOK_PATH]: describeWebhook,
      [SMS_PATH]: describeSms,
    }),
  );
  wechatApi(router, state);
  secCheckApi(router, state);
  mediaApi(router, state);
  wecomApi(router, state, { ...(groups ? { groups } : {}), ...(o.wecomCorp ? { corp: o.wecomCorp } : {}) });
  smsApi(router, state, { apiKey: o.smsApiKey ?? SANDBOX_DEFAULTS.smsApiKey });
  controlApi(router, state);
  partnerApi(router, state, partners);
  inboxPage(router, state, o.groupNames ?? new Map());
  app.use(router.routes()).use(router.allowedMethods());

  return {
    app,
    calls,
    state,
    partners,
    messages: (f) => state.record.list(f),
    hasGroup: (code) => (groups ? groups.has(code) : true),
    listen(port, host = '127.0.0.1') {
      const server = http.createServer(app.callback());
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as { port: number };
          resolve({
            url: `http://${host}:${addr.port}`,
            close: () =>
              new Promise<void>((r) => {
                server.close(() => r());
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}

/** Levels whose org nodes have a group (issue: city and district fine-management groups, street, community, grid groups). */
const GROUP_LEVELS = new Set(['city', 'district', 'street', 'community', 'grid']);

/** Robot groups and names from the org tree (policy.orgTree): every node of a group level has a robot in the sandbox. */
export function sandboxGroups(orgTree: readonly { code: string; level: string; name: string }[]): { robotGroups: string[]; groupNames: Map<string, string> } {
  const nodes = orgTree.filter((n) => GROUP_LEVELS.has(n.level));
  return { robotGroups: nodes.map((n) => n.code), groupNames: new Map(nodes.map((n) => [n.code, n.name])) };
}

/** The sandbox as boot.ts, the harness and main.ts start it: the configured apps, templates and org-tree groups. */
export function sandboxOptionsFor(
  config: Pick<AppConfig, 'wechat' | 'officialAccount' | 'sms'> & {
    workers?: Pick<AppConfig['workers'], 'robotWindowMs'>;
    wecom?: Pick<AppConfig['wecom'], 'corpId' | 'secret'>;
    channels?: AppConfig['channels'];
    host?: string;
    port?: number;
  },
  policy: { notifications: NotificationTemplatesConfig; orgTree: readonly { code: string; level: string; name: string }[] },
): SandboxOptions {
  return {
    mpAppId: config.wechat.mpAppId,
    mpAppSecret: config.wechat.mpAppSecret,
    oaAppId: config.officialAccount.appId,
    oaAppSecret: config.officialAccount.appSecret,
    smsApiKey: config.sms.apiKey,
    notifications: policy.notifications,
    robotWindowMs: config.workers?.robotWindowMs,
    ...(config.wecom ? { wecomCorp: { corpId: config.wecom.corpId, secret: config.wecom.secret } } : {}),
    ...(config.channels ? { partnerSecret: partnerSecretOf(config.channels) } : {}),
    // FineCity's own address when its port is fixed; with port 0 the starter tells the sandbox later.
    ...(config.port ? { fineCityUrl: `http://${!config.host || config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}` } : {}),
    ...sandboxGroups(policy.orgTree),
  };
}

/** The secret FineCity uses for a channel: the sandbox, playing the partner, holds the same one. */
function partnerSecretOf(channels: AppConfig['channels']): (channelId: string) => string {
  return (channelId) => channelSettings({ channels: { ...channels, sandbox: true } }, channelId).secret ?? sandboxChannelSecret(channelId);
}
