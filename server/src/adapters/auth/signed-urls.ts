import crypto from 'node:crypto';
import type { UrlSigner } from '../../usecases/service-ports.js';

/**
 * Photo URLs are signed and expire: <image> tags in the mini-program cannot send a bearer header, and
 * a photo (a resident's doorway, a plate number) must not be fetchable by anyone who guesses an id.
 */
export type { UrlSigner };

export function hmacUrlSigner(secret: string, ttlSeconds = 6 * 3600): UrlSigner {
  const mac = (s: string) => crypto.createHmac('sha256', `photo:${secret}`).update(s).digest('base64url').slice(0, 32);
  return {
    photoUrl(id, variant, now) {
      // Rounded expiry so the same photo keeps the same URL for a while (client caches stay warm).
      const exp = Math.ceil(now.getTime() / 1000 / 3600) * 3600 + ttlSeconds;
      const path = variant === 'thumb' ? `/api/v1/photos/${id}/thumb` : `/api/v1/photos/${id}`;
      return `${path}?exp=${exp}&sig=${mac(`${id}.${variant}.${exp}`)}`;
    },
    verify(id, variant, exp, sig, now) {
      if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 < now.getTime()) return false;
      const want = Buffer.from(mac(`${id}.${variant}.${exp}`));
      const got = Buffer.from(sig);
      return want.length === got.length && crypto.timingSafeEqual(want, got);
    },
  };
}
