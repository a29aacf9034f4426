import { SignJWT, jwtVerify, errors } from 'jose';
import { AppError } from '../../domain/errors.js';
import type { TokenService } from '../../usecases/service-ports.js';

/** Our own short-lived bearer token, bound to the user id (never to a client-sent openid). */
export type { TokenService };

export function hmacTokens(secret: string, ttlHours: number): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    issue: (userId) =>
      new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setIssuer('finecity').setExpirationTime(`${ttlHours}h`).sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: 'finecity', algorithms: ['HS256'] });
        if (!payload.sub) throw new AppError('auth.invalid_token', '登录凭证无效');
        return payload.sub;
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new AppError('auth.invalid_token', '登录已过期，请重新登录');
        throw new AppError('auth.invalid_token', '登录凭证无效');
      }
    },
  };
}
