import { AppError } from '../../domain/errors.js';

/** How far ahead of the server's clock a phone's clock may run (a few minutes of drift). */
const SKEW_MS = 5 * 60_000;
/** How long an offline phone may hold a patrol start, stop or check-in before it is refused. */
export const MAX_AGE_MS = 24 * 3_600_000;

/**
 * When the inspector pressed (issue 12): a phone that was offline sends start, stop and check-in later with the
 * time it recorded. Accepted from 24 h back to now (a little drift ahead is read as now); absent → now.
 */
export function pressedAt(now: Date, at: string | undefined): Date {
  if (at === undefined) return now;
  const t = new Date(at);
  if (Number.isNaN(t.getTime())) throw new AppError('request.invalid', '时间格式无效', { at });
  if (t.getTime() > now.getTime() + SKEW_MS) throw new AppError('request.invalid', '时间晚于当前时间，请校准手机时间', { at });
  if (t.getTime() < now.getTime() - MAX_AGE_MS) throw new AppError('request.invalid', '记录已超过 24 小时，无法补传', { at });
  return t.getTime() > now.getTime() ? now : t;
}
