import type { Channel, DeliveryOutcome, OutgoingMessage } from '../../domain/notify-ports.js';

/**
 * SMS, the last fallback. SmsProvider is the provider-neutral seam: a real
 * carrier or cloud SMS service is one more implementation. httpSmsProvider speaks FineCity's own small HTTP
 * API — `POST <base>/sms/send`, header `X-Api-Key`, `{phone, templateCode, params, outId}` →
 * `{code, message, messageId?}` — which the sandbox serves and a thin gateway can put in front of any carrier.
 */
export interface SmsRequest {
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  /** The provider de-duplicates on it: a retried send with the same outId is not sent twice. */
  outId?: string;
}

export type SmsResult =
  | { ok: true; messageId: string }
  | { ok: false; code: string; message: string; retryable: boolean };

export interface SmsProvider {
  send(req: SmsRequest): Promise<SmsResult>;
}

export interface HttpSmsProviderOptions {
  apiBase: string;
  apiKey: string;
  timeoutMs: number;
}

/** Codes after which the same request may succeed later. */
const RETRYABLE = new Set(['RATE_LIMITED', 'BUSY']);

export function httpSmsProvider(o: HttpSmsProviderOptions): SmsProvider {
  const url = `${o.apiBase.replace(/\/+$/, '')}/sms/send`;
  return {
    async send(req) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': o.apiKey },
          body: JSON.stringify(req),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (err) {
        const timeout = ['TimeoutError', 'AbortError'].includes((err as Error).name);
        return { ok: false, code: timeout ? 'timeout' : 'network', message: (err as Error).message, retryable: true };
      }
      if (res.status >= 500) return { ok: false, code: `http_${res.status}`, message: res.statusText, retryable: true };
      const json = (await res.json().catch(() => ({}))) as { code?: string; message?: string; messageId?: string };
      if (json.code === 'OK' && json.messageId) return { ok: true, messageId: json.messageId };
      const code = json.code ?? `http_${res.status}`;
      return { ok: false, code, message: json.message ?? '', retryable: RETRYABLE.has(code) };
    },
  };
}

/** `msg.to` is the mobile, `msg.templateId` the SMS template code, `msg.data` its parameters. */
export function smsChannel(provider: SmsProvider): Channel {
  return {
    name: 'sms',
    async send(msg: OutgoingMessage): Promise<DeliveryOutcome> {
      if (!msg.templateId) return { status: 'permanent', errcode: 'no_template', errmsg: 'SMS without a template code' };
      const r = await provider.send({ phone: msg.to, templateCode: msg.templateId, params: msg.data ?? {}, ...(msg.dedupeKey ? { outId: msg.dedupeKey } : {}) });
      if (r.ok) return { status: 'sent', providerMessageId: r.messageId };
      return { status: r.retryable ? 'transient' : 'permanent', errcode: r.code, errmsg: r.message };
    },
  };
}
