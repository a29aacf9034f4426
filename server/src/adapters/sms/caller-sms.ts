import type { CallerSms } from '../../usecases/channels/call-centre-ports.js';
import type { SmsProvider } from './sms-channel.js';

/** The SMS template code of the call centre's message to a caller, as registered at the provider (config/env.example). */
export const HOTLINE_TRACKING_SMS_TEMPLATE = 'SMS_HOTLINE_TRACKING';

/** The caller's SMS (12319 call centre) through the notifications' provider-neutral SMS client. */
export function providerCallerSms(provider: SmsProvider, templateCode = HOTLINE_TRACKING_SMS_TEMPLATE): CallerSms {
  return {
    async sendTracking(phone, params, outId) {
      const r = await provider.send({ phone, templateCode, params, outId });
      return r.ok ? { ok: true } : { ok: false, code: r.code };
    },
  };
}
