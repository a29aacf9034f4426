import type { CaseAction, CheckInDto, Complexity } from '@finecity/types';
import type { CaseClock } from './case-model.js';

/**
 * Commands carry everything decide() needs, already resolved by the use case (target nodes,
 * computed clocks), so the machine stays pure and small.
 */
export type CaseCommand =
  /** `category`: the platform classifies the case (required when it is 待分类; issue 11). */
  | { action: 'register'; note?: string; category?: { code: string; standardRef: string } }
  | { action: 'reject'; note: string }
  | { action: 'merge'; intoCaseId: string; intoCaseNo: string; note?: string }
  | { action: 'dispatch'; targetCode: string; targetLevel: string; complexity: Complexity; clock: CaseClock; note?: string }
  /** `squad`: the holder is a quick squad, whose sign is its on-site arrival (domain/squad-clock.ts). */
  | { action: 'sign'; note?: string; checkIn?: CheckInDto; squad?: boolean }
  | { action: 'return'; note: string }
  | { action: 'escalate'; parentCode: string; note: string }
  | { action: 'handle'; photoIds: string[]; note?: string; checkIn?: CheckInDto }
  | { action: 'request-extension'; hours: number; note: string }
  | { action: 'decide-extension'; approved: boolean; extendedClock?: CaseClock; note?: string }
  | { action: 'suspend'; note: string }
  | { action: 'verify'; passed: boolean; reworkClock?: CaseClock; note?: string }
  | { action: 'reopen'; note: string }
  | { action: 'rate'; score: number; comment?: string }
  | { action: 'supervise'; note: string; dueAt?: Date };

export type CommandOf<A extends CaseAction> = Extract<CaseCommand, { action: A }>;
