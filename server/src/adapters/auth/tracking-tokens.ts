import crypto from 'node:crypto';
import type { TrackingTokens } from '../../usecases/residents/tracking-links.js';

/**
 * A case's tracking token: HMAC-SHA256(secret, "track:<case id>:<generation>") in base64url (43 characters,
 * the same shape as the call centre's random tokens). Unguessable without the secret, and the same link
 * can be shown again without storing it; a new generation revokes the old link.
 */
export function hmacTrackingTokens(secret: string): TrackingTokens {
  const key = crypto.createHash('sha256').update(`finecity-tracking:${secret}`).digest();
  return {
    tokenFor: (caseId, generation) => crypto.createHmac('sha256', key).update(`track:${caseId}:${generation}`).digest('base64url'),
    hash: (token) => crypto.createHash('sha256').update(token).digest('hex'),
  };
}
