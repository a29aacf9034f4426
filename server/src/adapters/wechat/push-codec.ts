import type { PushCodec } from '../../usecases/service-ports.js';
import { openPush, PushRefused, textReply, verifyUrl } from './push-crypto.js';

/** The official account's push envelope with its secrets: AppID, Token and the EncodingAESKeys (current first). */
export function pushCodec(o: { appId: string; token: string; aesKey: string; previousAesKey: string | null }): PushCodec {
  const secrets = { token: o.token, appId: o.appId, aesKeys: o.previousAesKey ? [o.aesKey, o.previousAesKey] : [o.aesKey] };
  return {
    verifyUrl: (q) => verifyUrl(secrets, q),
    open: (q, body, nowSeconds, opts) => openPush(secrets, q, body, nowSeconds, opts),
    reply: (r) => textReply(secrets, r),
    refusal: (err) => (err instanceof PushRefused ? err.reason : null),
  };
}
