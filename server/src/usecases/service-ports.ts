import type { WeChatPushQuery } from '@finecity/types';
/**
 * Services the use cases and the HTTP layer call, declared here so neither imports an adapter: bearer
 * tokens, signed photo URLs, the official account's media and its push envelope. The adapters implement
 * them and the composition root chooses which.
 */

/** Our own short-lived bearer token, bound to the user id (never to a client-sent openid). */
export interface TokenService {
  issue(userId: string): Promise<string>;
  verify(token: string): Promise<string>;
}

/**
 * Photo URLs are signed and expire: <image> tags in the mini-program cannot send a bearer header, and
 * a photo must not be fetchable by anyone who guesses an id.
 */
export interface UrlSigner {
  photoUrl(id: string, variant: 'full' | 'thumb', now: Date): string;
  verify(id: string, variant: string, exp: string, sig: string, now: Date): boolean;
}

/** The official account's temporary media (cgi-bin/media/get): the file a follower sent. */
export interface OaMediaSource {
  fetchMedia(mediaId: string): Promise<Buffer>;
}

/** The query WeChat puts on every push URL: declared once, in @finecity/types. */
export type PushQuery = WeChatPushQuery;

export interface OpenedPush {
  fields: Record<string, string>;
  /** The key that decrypted the push (the reply is encrypted with it); null in plaintext mode. */
  aesKey: string | null;
  timestamp: number;
  nonce: string;
}

/**
 * The official account's push envelope: signatures, the timestamp window, safe-mode AES and XML. Its
 * methods throw a refusal for anything not from WeChat or not acceptable; `refusal` names why.
 */
export interface PushCodec {
  /** The URL check (GET): the answer to give (echostr, decrypted in safe mode). */
  verifyUrl(q: PushQuery): string;
  /** A POSTed push, checked and opened; the nonce is left to the caller, which holds the store. */
  open(q: PushQuery, body: string, nowSeconds: number, o: { windowSeconds: number; requireSafeMode: boolean }): OpenedPush;
  /** A passive text reply to the sender, plain or in the safe-mode envelope. */
  reply(o: { to: string; from: string; content: string; nowSeconds: number; aesKey: string | null }): string;
  /** Why `err` refused a push, when it is one of this codec's refusals; null for anything else. */
  refusal(err: unknown): string | null;
}
