import type { WeChatPushQuery } from '@finecity/types';
import crypto from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * WeChat message push (消息推送) on the wire: signatures, safe-mode AES, and XML read and written safely.
 * Sources: https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html (URL check)
 * and https://developers.weixin.qq.com/doc/oplatform/developers/dev/push/encryption.md (safe mode).
 */

/** Why a push was refused; the route logs it and answers 403 (400 for XML that is not allowed). */
export type PushRefusal = 'signature' | 'msg_signature' | 'stale_timestamp' | 'replayed_nonce' | 'decrypt' | 'app_id' | 'xml_doctype' | 'xml_malformed' | 'safe_mode_required';

export class PushRefused extends Error {
  readonly reason: PushRefusal;
  constructor(reason: PushRefusal) {
    super(`push refused: ${reason}`);
    this.name = 'PushRefused';
    this.reason = reason;
  }
}

/** sha1 of the lexicographically sorted parts joined with nothing. */
export function pushSignature(token: string, timestamp: string, nonce: string, encrypted?: string): string {
  if (encrypted !== undefined) return getSignature(token, timestamp, nonce, encrypted);
  return crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

/** Constant-time comparison: a wrong signature takes as long to refuse as a right one to pass. */
export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * Safe-mode decryption with the current key, then the previous one (key rotation). The trailing
 * id must be our AppID. Returns the plaintext and the key that worked, so the reply uses the same key.
 */
export function decryptPush(aesKeys: readonly string[], appId: string, encrypted: string): { message: string; aesKey: string } {
  let foreignId = false;
  for (const aesKey of aesKeys) {
    let out: { message: string; id: string };
    try {
      out = decrypt(aesKey, encrypted);
    } catch {
      continue;
    }
    if (out.id === appId) return { message: out.message, aesKey };
    // A wrong key yields bytes, not an id; a clean id that is not ours is someone else's app.
    if (/^[A-Za-z0-9_-]{1,64}$/.test(out.id)) foreignId = true;
  }
  throw new PushRefused(foreignId ? 'app_id' : 'decrypt');
}

/** The safe-mode reply envelope: the reply XML encrypted, signed with our token, timestamp and nonce. */
export function encryptReply(o: { aesKey: string; appId: string; token: string; xml: string; timestamp: string; nonce: string }): string {
  const encrypted = encrypt(o.aesKey, o.xml, o.appId);
  const signature = getSignature(o.token, o.timestamp, o.nonce, encrypted);
  return buildXml({ Encrypt: encrypted, MsgSignature: signature, TimeStamp: Number(o.timestamp), Nonce: o.nonce });
}

/**
 * A DTD is how XXE and billion-laughs payloads get in; WeChat never sends one. Refused on the raw text,
 * before any parser sees it.
 */
export function assertNoDtd(xml: string): void {
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.test(xml)) throw new PushRefused('xml_doctype');
}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Values stay strings: MsgId is a 64-bit integer that a JS number would round.
  parseTagValue: false,
  trimValues: true,
  maxNestedTags: 4,
});

/** The children of the root `<xml>` of a push message, as strings. Nested elements are dropped. */
export function parsePushXml(xml: string): Record<string, string> {
  assertNoDtd(xml);
  if (XMLValidator.validate(xml) !== true) throw new PushRefused('xml_malformed');
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    throw new PushRefused('xml_malformed');
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object') throw new PushRefused('xml_malformed');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** A flat `<xml>` as WeChat writes it: text in CDATA, numbers bare. */
export function buildXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}>${cdata(v)}</${k}>`))
    .join('');
  return `<xml>${body}</xml>`;
}

function cdata(s: string): string {
  // "]]>" cannot appear inside a CDATA section: split it across two sections.
  return `<![CDATA[${s.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** The query WeChat puts on every push URL: declared once, in @finecity/types. */
export type PushQuery = WeChatPushQuery;

export interface PushSecrets {
  token: string;
  appId: string;
  /** Current EncodingAESKey first, then the previous one while rotating. */
  aesKeys: readonly string[];
}

/**
 * The URL check (GET): `signature` over token, timestamp and nonce, answered with `echostr` unchanged.
 * When the check carries `msg_signature`, echostr is a ciphertext: it is verified over it too, decrypted,
 * its AppID checked, and the plaintext is the answer.
 */
export function verifyUrl(s: PushSecrets, q: PushQuery): string {
  const { timestamp, nonce, echostr } = q;
  if (!timestamp || !nonce || !echostr || echostr.length > 1024) throw new PushRefused('signature');
  if (q.signature !== undefined || !q.msg_signature) {
    if (!signatureMatches(pushSignature(s.token, timestamp, nonce), q.signature)) throw new PushRefused('signature');
  }
  if (!q.msg_signature) return echostr;
  if (!signatureMatches(pushSignature(s.token, timestamp, nonce, echostr), q.msg_signature)) throw new PushRefused('msg_signature');
  return decryptPush(s.aesKeys, s.appId, echostr).message;
}

export interface OpenedPush {
  fields: Record<string, string>;
  /** The key that decrypted the push (the reply is encrypted with it); null in plaintext mode. */
  aesKey: string | null;
  timestamp: number;
  nonce: string;
}

/**
 * A POSTed push, checked in the order that costs least to an attacker: signature, timestamp window
 * (±windowSeconds), DTD refused on the raw text, then in safe mode msg_signature before decrypting and
 * the AppID after. The nonce is checked by the caller, which holds the store.
 */
export function openPush(s: PushSecrets, q: PushQuery, body: string, nowSeconds: number, o: { windowSeconds: number; requireSafeMode: boolean }): OpenedPush {
  const { timestamp, nonce } = q;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !nonce || !/^[A-Za-z0-9_-]{1,64}$/.test(nonce)) throw new PushRefused('signature');
  if (!signatureMatches(pushSignature(s.token, timestamp, nonce), q.signature)) throw new PushRefused('signature');
  if (Math.abs(nowSeconds - Number(timestamp)) > o.windowSeconds) throw new PushRefused('stale_timestamp');
  assertNoDtd(body);
  const outer = parsePushXml(body);
  if (q.encrypt_type !== 'aes') {
    if (o.requireSafeMode) throw new PushRefused('safe_mode_required');
    return { fields: outer, aesKey: null, timestamp: Number(timestamp), nonce };
  }
  const encrypted = outer.Encrypt;
  if (!encrypted) throw new PushRefused('xml_malformed');
  if (!signatureMatches(pushSignature(s.token, timestamp, nonce, encrypted), q.msg_signature)) throw new PushRefused('msg_signature');
  const { message, aesKey } = decryptPush(s.aesKeys, s.appId, encrypted);
  return { fields: parsePushXml(message), aesKey, timestamp: Number(timestamp), nonce };
}

/** A passive text reply (被动回复): to the sender, from the account, plain or in the safe-mode envelope. */
export function textReply(s: PushSecrets, o: { to: string; from: string; content: string; nowSeconds: number; aesKey: string | null }): string {
  const xml = buildXml({ ToUserName: o.to, FromUserName: o.from, CreateTime: o.nowSeconds, MsgType: 'text', Content: o.content });
  if (!o.aesKey) return xml;
  return encryptReply({ aesKey: o.aesKey, appId: s.appId, token: s.token, xml, timestamp: String(o.nowSeconds), nonce: String(crypto.randomInt(1e9, 1e10)) });
}
