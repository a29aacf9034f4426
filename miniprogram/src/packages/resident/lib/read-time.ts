import { plainTime, shortTime } from '../../../lib/time'

/**
 * A time from the resident API as people read it: Beijing wall-clock text ("2026-12-03 14:05:09") or an
 * instant with a zone ("…Z", "+08:00") both become "12月3日 14:05".
 */
export function readTime(text: string, now: Date = new Date()): string {
  return /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? shortTime(text, now) : plainTime(text, now)
}
