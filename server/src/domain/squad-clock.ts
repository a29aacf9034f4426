// Quick squads' minute clocks. 《大连市人民政府办公厅关于推进城市精细化管理的实施意见》（大政办发〔2018〕125号）三(三):
// each district's 城管综合服务抢修小分队 promises "5分钟到场、59分钟微更新", each street's 便民服务小分队
// "30分钟微治理". The minutes are data (config/assessment.json "squads"); this module only computes.
import type { CheckInDto, UnitType } from '@finecity/types';
import type { CaseClock } from './case-model.js';
import { AppError } from './errors.js';

const MINUTE_MS = 60_000;

export type SquadType = Exclude<UnitType, 'department'>;

export interface SquadLimits {
  arriveMinutes: number;
  fixMinutes: number;
}

export function isSquad(unitType: string | null | undefined): unitType is SquadType {
  return unitType === 'repair_squad' || unitType === 'street_squad';
}

/**
 * The clock of a case a squad holds from `start`: fixed within `fixMinutes` and reached within
 * `arriveMinutes`, both in natural time (the promise is to the minute, nights and holidays included).
 * The national clock stays the category's: 按期结案率 on the national clock still measures the standard limit.
 * Without `arrival` (a rework after a failed verification: the squad is already on the case) no arrival
 * deadline is set.
 */
export function squadClock(category: CaseClock, limits: SquadLimits, start: Date, arrival = true): CaseClock {
  const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE_MS);
  return {
    startedAt: start,
    dueAt: at(limits.fixMinutes),
    calendar: 'natural',
    nationalDueAt: category.nationalDueAt,
    nationalCalendar: category.nationalCalendar,
    ...(arrival ? { arriveDueAt: at(limits.arriveMinutes) } : {}),
  };
}

/**
 * A squad's sign is its arrival on site (到场): it needs a location within the check-in radius, and the
 * arrival time is the sign time. Other units sign as before (a location is optional for them).
 */
export function arrival(squad: boolean, checkIn: CheckInDto | undefined, now: Date): { arrivedAt?: Date } {
  if (!squad) return {};
  if (!checkIn) throw new AppError('squad.not_arrived', '小分队须到达现场后签收：请开启定位，在现场签到');
  if (!checkIn.onSite) {
    throw new AppError('squad.not_arrived', `尚未到达现场（距问题位置约 ${checkIn.distanceM} 米），请到现场后再签收`, { distanceM: checkIn.distanceM });
  }
  return { arrivedAt: now };
}

/** Minutes written for people: 5 → "5分钟", 59 → "59分钟", 90 → "1小时30分钟". */
export function minutesText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}小时${m ? `${m}分钟` : ''}` : `${m}分钟`;
}
