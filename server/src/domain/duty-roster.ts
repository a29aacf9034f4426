import { beijingDayOfMonth } from './shanghai-time.js';

/** A/B rotation [design]: A is on duty on even days of the month (Asia/Shanghai), B on odd days. */
export function onDutySlot(now: Date): 'A' | 'B' {
  return beijingDayOfMonth(now) % 2 === 0 ? 'A' : 'B';
}

/** The inspector who is not on duty now. */
export function offDutySlot(now: Date): 'A' | 'B' {
  return onDutySlot(now) === 'A' ? 'B' : 'A';
}
