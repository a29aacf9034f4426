import { SignJWT, jwtVerify, errors } from 'jose';
import { AppError } from '../../domain/errors.js';
import type { TokenService } from '../../usecases/service-ports.js';

/** Our own short-lived bearer token, bound to the user id (never to a client-sent openid). */
export type { TokenService };

/** Tokens whose signature this process has checked, kept until they expire (bounded; oldest out first). */
const VERIFIED_MAX = 10_000;

export function hmacTokens(secret: string, ttlHours: number, now: () => number = Date.now): TokenService {
  const key = new TextEncoder().encode(secret);
  // A signature that verified once verifies again until `exp`: every request of a session re-presents
  // the same token, and jose's WebCrypto verify is most of the auth cost per request. Whether the
  // person may still act (deactivated, roles changed) is decided on the user record, not here.
  const verified = new Map<string, { sub: string; expMs: number }>();
  return {
    issue: (userId) =>
      // iatMs: the issue instant in milliseconds, so a logout revokes exactly the tokens issued before it.
      new SignJWT({ iatMs: Date.now() }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setIssuer('finecity').setExpirationTime(`${ttlHours}h`).sign(key),
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expMs > now()) return known.sub;
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, { issuer: 'finecity', algorithms: ['HS256'], currentDate: new Date(now()) });
        if (!payload.sub) throw new AppError('auth.invalid_token', '登录凭证无效');
        if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
        verified.set(token, { sub: payload.sub, expMs: (payload.exp ?? 0) * 1000 });
        return payload.sub;
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new AppError('auth.invalid_token', '登录已过期，请重新登录');
        throw new AppError('auth.invalid_token', '登录凭证无效');
      }
    },
  };
}
