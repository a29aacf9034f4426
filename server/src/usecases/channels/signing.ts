import crypto from 'node:crypto';

/**
 * The partner signing scheme (issue 11), both ways: a partner signs its tickets, FineCity signs its
 * callbacks, each with the channel's secret.
 *
 *   X-Signature = hex(HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + raw body))
 *
 * HMAC: RFC 2104 (https://www.rfc-editor.org/rfc/rfc2104); the same shape as GitHub's and Stripe's webhook
 * signatures. Comparison is constant-time (crypto.timingSafeEqual) so a forger learns nothing from timing.
 */
export function signPayload(secret: string, timestamp: string, nonce: string, rawBody: Buffer | string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n`).update(rawBody).digest('hex');
}

/** True when `signature` (hex) is this body's signature under `secret`. */
export function signatureMatches(secret: string, timestamp: string, nonce: string, rawBody: Buffer | string, signature: string): boolean {
  const expected = Buffer.from(signPayload(secret, timestamp, nonce, rawBody), 'hex');
  const given = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  // Same length first (timingSafeEqual throws otherwise); a wrong length reveals nothing about the secret.
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** Timestamps are accepted within ±300 s of the server's clock; nonces are remembered for 10 minutes. */
export const SIGNATURE_WINDOW_S = 300;
export const NONCE_TTL_S = 600;
/** X-Nonce: 8–64 characters (printable ASCII, no spaces). */
export const NONCE_FORMAT = /^[\x21-\x7e]{8,64}$/;
