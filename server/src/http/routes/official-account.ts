import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { issueBindCode } from '../../usecases/official-account-bind.js';
import { nonceSeen, officialAccountPush, recordNonce, type OfficialAccountSettings } from '../../usecases/official-account-push.js';
import type { OaMediaSource, OpenedPush, PushCodec } from '../../usecases/service-ports.js';
import { currentUser, requireUser } from '../auth.js';
import { js, MEDIA, type ApiRegistry } from '../openapi.js';
import { pushQuery, toOaMessage } from '../schemas/official-account.js';

export const OA_PUSH_PATH = '/wechat/official-account';
/** WeChat's messages are a few hundred bytes; 64 KB leaves room and stops floods (our bound). */
const MAX_BODY_BYTES = 64 * 1024;
/** ±300 s around our clock (our bound against replays, with the nonce store). */
const TIMESTAMP_WINDOW_S = 300;

/** What the push endpoint is given by the composition root. */
export interface OfficialAccountPorts {
  /** Signatures, safe-mode AES and XML, with the account's secrets. */
  codec: PushCodec;
  /** Where photos are fetched (cgi-bin/media/get on the WeChat API base, or the sandbox). */
  media: OaMediaSource;
  /** config/official-account.json */
  settings: OfficialAccountSettings;
}

/** Parts of the ports to replace (a test's own media server). */
export type OfficialAccountWiring = Partial<OfficialAccountPorts>;

/** A refusal this route decides itself (the codec names its own). */
class Refused extends Error {
  readonly reason: 'signature' | 'replayed_nonce';
  constructor(reason: 'signature' | 'replayed_nonce') {
    super(`push refused: ${reason}`);
    this.reason = reason;
  }
}

export function officialAccountRoutes(router: Router, api: ApiRegistry, deps: AppDeps, opts: { officialAccount?: OfficialAccountWiring }): void {
  const { codec, media, settings } = { ...deps.oaPush, ...opts.officialAccount };
  const push = officialAccountPush(deps, settings, media);

  api.add({
    method: 'get', path: OA_PUSH_PATH, tag: 'wechat', auth: false, query: pushQuery,
    summary: 'WeChat official-account URL check: signature over Token, timestamp, nonce; answers echostr (decrypted when msg_signature is given)',
    responses: { 200: { description: 'echostr, text/plain', media: MEDIA.text }, 403: 'signature, msg_signature or AppID wrong' },
  });
  router.get(OA_PUSH_PATH, (ctx) => {
    try {
      ctx.body = codec.verifyUrl(parseQuery(ctx));
      ctx.type = 'text/plain';
    } catch (err) {
      throw refusal(deps, codec, ctx, err);
    }
  });

  api.add({
    method: 'post', path: OA_PUSH_PATH, tag: 'wechat', auth: false, query: pushQuery, rawBody: MEDIA.xml,
    summary: 'WeChat official-account message push (XML, plaintext or safe mode): photo + location → report, bind codes, follow events',
    responses: { 200: { description: 'passive reply XML (encrypted in safe mode) or "success"', media: [MEDIA.xml, MEDIA.text] }, 400: 'DTD or malformed XML', 403: 'signature, timestamp, replayed nonce or AppID', 413: 'body over 64 KB' },
  });
  router.post(OA_PUSH_PATH, async (ctx) => {
    const body = await readRawBody(ctx, deps);
    const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
    let opened: OpenedPush;
    try {
      opened = codec.open(parseQuery(ctx), body, nowSeconds, { windowSeconds: TIMESTAMP_WINDOW_S, requireSafeMode: settings.requireSafeMode });
      if (await nonceSeen(deps, opened.nonce, opened.timestamp)) throw new Refused('replayed_nonce');
    } catch (err) {
      throw refusal(deps, codec, ctx, err);
    }
    const msg = toOaMessage(opened.fields);
    const reply = await push.handle(msg);
    await recordNonce(deps, opened.nonce, opened.timestamp);
    if (!reply) {
      ctx.type = 'text/plain';
      ctx.body = 'success';
      return;
    }
    ctx.type = 'application/xml';
    ctx.body = codec.reply({ to: msg.openid, from: opened.fields.ToUserName!, content: reply, nowSeconds, aesKey: opened.aesKey });
  });

  api.add({
    method: 'post', path: '/api/v1/me/official-account/bind-code', tag: 'auth', auth: true,
    summary: 'Staff: a one-time 6-digit code (10 min) to send to the official account as "绑定 123456", binding that WeChat to this account',
    responses: { 201: { description: '{code, expiresAt, sendText}', schema: js.obj({ code: js.str, expiresAt: js.str, sendText: js.str }) }, 401: 'not logged in', 403: 'residents have nothing to bind' },
  });
  router.post('/api/v1/me/official-account/bind-code', requireUser(deps), async (ctx) => {
    const { code, expiresAt } = await issueBindCode(deps, currentUser(ctx));
    ctx.status = 201;
    ctx.body = { code, expiresAt: expiresAt.toISOString(), sendText: `绑定 ${code}` };
  });
}

function parseQuery(ctx: Context) {
  const r = pushQuery.safeParse(ctx.query);
  if (!r.success) throw new Refused('signature');
  return r.data;
}

/** Not from WeChat, or not acceptable: no business effect, a log line, 403 (400 for XML we refuse). */
function refusal(deps: AppDeps, codec: PushCodec, ctx: Context, err: unknown): unknown {
  const reason = err instanceof Refused ? err.reason : codec.refusal(err);
  if (!reason) return err;
  deps.logger.warn('official-account push refused', { reason, method: ctx.method, ip: ctx.ip, requestId: ctx.state.requestId });
  if (reason === 'xml_doctype' || reason === 'xml_malformed') return new AppError('request.invalid', '消息格式不正确');
  return new AppError('auth.forbidden', '消息推送校验失败');
}

/** The body as text, never through the JSON parser, refused past MAX_BODY_BYTES before it is all read. */
async function readRawBody(ctx: Context, deps: AppDeps): Promise<string> {
  const tooLarge = () => {
    deps.logger.warn('official-account push refused', { reason: 'body_too_large', ip: ctx.ip, requestId: ctx.state.requestId });
    return new AppError('request.too_large', '请求体过大');
  };
  if (Number(ctx.get('content-length') || 0) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
