import type { CaseAction, CaseState } from '@finecity/types';
import { REOPEN_WINDOW_DAYS, UNCLASSIFIED_CATEGORY } from '@finecity/types';
import type { CaseCommand } from './case-commands.js';
import type { Actor, CaseClock, CaseSnapshot } from './case-model.js';
import { AppError } from './errors.js';
import { arrival } from './squad-clock.js';

/** Open states past registration: where 督办 may press the holder. */
const SUPERVISABLE: readonly CaseState[] = ['registered', 'dispatched', 'in_progress', 'handled', 'suspended'];

/**
 * The law of the case: for each action, the states it may start from and the
 * state it leads to. Nothing else in the code assigns a case's state.
 */

export const TRANSITIONS: Readonly<Record<CaseAction, { from: readonly CaseState[]; to: readonly CaseState[] }>> = {
  register: { from: ['submitted'], to: ['registered'] },
  reject: { from: ['submitted'], to: ['rejected'] },
  merge: { from: ['submitted', 'registered'], to: ['merged'] },
  // Re-dispatch (改派) from dispatched, and resuming a parked (挂账) case, are dispatches too.
  dispatch: { from: ['registered', 'dispatched', 'suspended'], to: ['dispatched'] },
  sign: { from: ['dispatched'], to: ['in_progress'] },
  return: { from: ['dispatched'], to: ['registered'] },
  escalate: { from: ['dispatched', 'in_progress'], to: ['dispatched'] },
  handle: { from: ['in_progress'], to: ['handled'] },
  'request-extension': { from: ['in_progress'], to: ['in_progress'] },
  'decide-extension': { from: ['in_progress'], to: ['in_progress'] },
  suspend: { from: ['dispatched', 'in_progress'], to: ['suspended'] },
  verify: { from: ['handled'], to: ['closed', 'in_progress'] },
  reopen: { from: ['closed'], to: ['registered'] },
  rate: { from: ['closed'], to: ['closed'] },
  // 督办 presses whoever holds an open case (not yet a report waiting for registration); the case keeps its state.
  supervise: { from: SUPERVISABLE, to: SUPERVISABLE },
};

/** Changes to the case row; only these fields move in a transition. */
export interface CasePatch {
  state: CaseState;
  complexity?: CaseSnapshot['complexity'];
  /** The category given on registration (a 待分类 case is classified then; issue 11), with its standard. */
  categoryCode?: string;
  standardRef?: string;
  responsibleCode?: string | null;
  clock?: CaseClock | null;
  pendingExtension?: CaseSnapshot['pendingExtension'];
  /** Hours added by approved extensions (延期), accumulated. */
  extendedHours?: number;
  reworkCount?: number;
  returnCount?: 'increment';
  escalationCount?: 'increment';
  mergedIntoId?: string;
  ratingScore?: number | null;
  ratingComment?: string | null;
  closedAt?: Date | null;
  /** 督办: when the latest supervision was made, and the due time it set (null: none). */
  supervision?: { at: Date; dueAt: Date | null };
  /** Quick squads: the arrival deadline set at dispatch (null: not a squad's case), and the on-site sign time. */
  arriveDueAt?: Date | null;
  arrivedAt?: Date | null;
}

export type Effect =
  | { kind: 'notify'; topic: `case.${string}`; payload: Record<string, unknown> }
  | { kind: 'timer.start'; payload: { dueAt: string; startedAt: string; calendar: string; arriveDueAt?: string } }
  | { kind: 'timer.stop'; payload: Record<string, never> };

export interface Decision {
  patch: CasePatch;
  event: { action: CaseAction; fromState: CaseState; toState: CaseState; note: string | null; data: Record<string, unknown> };
  effects: Effect[];
}

export function canTransition(state: CaseState, action: CaseAction): boolean {
  return TRANSITIONS[action].from.includes(state);
}

/** Actions the machine allows from a state, before any role or scope check. */
export function actionsFrom(state: CaseState): CaseAction[] {
  return (Object.keys(TRANSITIONS) as CaseAction[]).filter((a) => canTransition(state, a));
}

export function decide(c: CaseSnapshot, cmd: CaseCommand, actor: Actor, now: Date): Decision {
  if (!canTransition(c.state, cmd.action)) {
    throw new AppError('case.transition_not_allowed', `案件当前状态（${c.state}）不能执行该操作（${cmd.action}）`, {
      state: c.state,
      action: cmd.action,
      allowedFrom: TRANSITIONS[cmd.action].from,
    });
  }
  const { patch, data = {}, effects = [] } = apply(c, cmd, actor, now);
  const note = 'note' in cmd && cmd.note ? cmd.note : cmd.action === 'rate' ? (cmd.comment ?? null) : null;
  const event = { action: cmd.action, fromState: c.state, toState: patch.state, note, data };
  const notify: Effect = {
    kind: 'notify',
    topic: `case.${cmd.action}`,
    payload: { caseId: c.id, version: c.version + 1, action: cmd.action, fromState: c.state, toState: patch.state, ...data },
  };
  return { patch, event, effects: [notify, ...effects] };
}

interface Applied {
  patch: CasePatch;
  data?: Record<string, unknown>;
  effects?: Effect[];
}

const startTimer = (clock: CaseClock): Effect => ({
  kind: 'timer.start',
  payload: {
    dueAt: clock.dueAt.toISOString(), startedAt: clock.startedAt.toISOString(), calendar: clock.calendar,
    ...(clock.arriveDueAt ? { arriveDueAt: clock.arriveDueAt.toISOString() } : {}),
  },
});
const stopTimer: Effect = { kind: 'timer.stop', payload: {} };

function apply(c: CaseSnapshot, cmd: CaseCommand, actor: Actor, now: Date): Applied {
  switch (cmd.action) {
    case 'register':
      if (c.categoryCode === UNCLASSIFIED_CATEGORY.code && (!cmd.category || cmd.category.code === UNCLASSIFIED_CATEGORY.code)) {
        throw new AppError('category.unclassified', '该案件尚未分类，受理时请选择问题类别');
      }
      if (cmd.category && cmd.category.code !== c.categoryCode) {
        return { patch: { state: 'registered', categoryCode: cmd.category.code, standardRef: cmd.category.standardRef }, data: { categoryCode: cmd.category.code, fromCategoryCode: c.categoryCode } };
      }
      return { patch: { state: 'registered' } };
    case 'reject':
      return { patch: { state: 'rejected', closedAt: now } };
    case 'merge':
      if (cmd.intoCaseId === c.id) throw new AppError('case.merge_target_invalid', '不能合并到案件自身');
      return { patch: { state: 'merged', mergedIntoId: cmd.intoCaseId, closedAt: now }, data: { intoCaseId: cmd.intoCaseId, intoCaseNo: cmd.intoCaseNo } };
    case 'dispatch':
      return {
        patch: {
          state: 'dispatched', responsibleCode: cmd.targetCode, complexity: cmd.complexity, clock: cmd.clock, pendingExtension: null, closedAt: null,
          arriveDueAt: cmd.clock.arriveDueAt ?? null, arrivedAt: null,
        },
        data: {
          to: cmd.targetCode, toLevel: cmd.targetLevel, complexity: cmd.complexity, dueAt: cmd.clock.dueAt.toISOString(),
          ...(cmd.clock.arriveDueAt ? { arriveDueAt: cmd.clock.arriveDueAt.toISOString() } : {}),
        },
        effects: [startTimer(cmd.clock)],
      };
    case 'sign':
      return { patch: { state: 'in_progress', ...arrival(cmd.squad ?? false, cmd.checkIn, now) }, data: { by: c.responsibleCode, ...(cmd.checkIn ? { checkIn: cmd.checkIn } : {}) } };
    case 'return':
      return { patch: { state: 'registered', responsibleCode: null, clock: null, returnCount: 'increment' }, data: { from: c.responsibleCode }, effects: [stopTimer] };
    case 'escalate':
      return { patch: { state: 'dispatched', responsibleCode: cmd.parentCode, escalationCount: 'increment' }, data: { from: c.responsibleCode, to: cmd.parentCode } };
    case 'handle':
      if (cmd.photoIds.length === 0) throw new AppError('photo.missing', '办结需上传处置后照片');
      return { patch: { state: 'handled' }, data: { photoIds: cmd.photoIds, ...(cmd.checkIn ? { checkIn: cmd.checkIn } : {}) } };
    default:
      return applyLater(c, cmd, actor, now);
  }
}

function applyLater(c: CaseSnapshot, cmd: CaseCommand, actor: Actor, now: Date): Applied {
  switch (cmd.action) {
    case 'request-extension':
      if (c.pendingExtension) throw new AppError('case.extension_pending', '已有待审批的延期申请');
      return { patch: { state: 'in_progress', pendingExtension: { hours: cmd.hours, reason: cmd.note, requestedBy: actor.id } }, data: { hours: cmd.hours } };
    case 'decide-extension':
      return decideExtension(c, cmd);
    case 'suspend':
      return { patch: { state: 'suspended', pendingExtension: null }, effects: [stopTimer] };
    case 'verify':
      return verify(c, cmd, now);
    case 'reopen': {
      const windowMs = REOPEN_WINDOW_DAYS * 24 * 3600 * 1000;
      if (!c.closedAt || now.getTime() - c.closedAt.getTime() > windowMs) {
        throw new AppError('case.reopen_window_passed', `结案超过 ${REOPEN_WINDOW_DAYS} 天，不能重新打开`);
      }
      return { patch: { state: 'registered', responsibleCode: null, clock: null, closedAt: null, ratingScore: null, ratingComment: null } };
    }
    case 'rate':
      if (c.ratingScore !== null) throw new AppError('case.already_rated', '该案件已评价');
      return { patch: { state: 'closed', ratingScore: cmd.score, ratingComment: cmd.comment ?? null }, data: { score: cmd.score } };
    case 'supervise':
      return supervise(c, cmd, now);
    default:
      throw new AppError('case.transition_not_allowed', '未知操作');
  }
}

function decideExtension(c: CaseSnapshot, cmd: Extract<CaseCommand, { action: 'decide-extension' }>): Applied {
  const pending = c.pendingExtension;
  if (!pending) throw new AppError('case.no_pending_extension', '没有待审批的延期申请');
  if (!cmd.approved) return { patch: { state: 'in_progress', pendingExtension: null }, data: { approved: false, hours: pending.hours } };
  if (!cmd.extendedClock) throw new AppError('internal', 'extension approved without a computed clock');
  return {
    patch: { state: 'in_progress', pendingExtension: null, extendedHours: c.extendedHours + pending.hours, clock: cmd.extendedClock },
    data: { approved: true, hours: pending.hours, dueAt: cmd.extendedClock.dueAt.toISOString() },
    effects: [startTimer(cmd.extendedClock)],
  };
}

function verify(c: CaseSnapshot, cmd: Extract<CaseCommand, { action: 'verify' }>, now: Date): Applied {
  if (cmd.passed) return { patch: { state: 'closed', closedAt: now }, data: { passed: true }, effects: [stopTimer] };
  // 返工: back to the unit with a new handling clock, counted against it (in its 返工率).
  if (!cmd.reworkClock) throw new AppError('internal', 'rework without a computed clock');
  return {
    patch: { state: 'in_progress', reworkCount: c.reworkCount + 1, clock: cmd.reworkClock },
    data: { passed: false, rework: c.reworkCount + 1, dueAt: cmd.reworkClock.dueAt.toISOString() },
    effects: [startTimer(cmd.reworkClock)],
  };
}

/**
 * 督办: the state stays; the event data {note, dueAt} is what the assessment counts (督办数, 督办按期办结率),
 * so its shape is part of the contract. A due time must lie ahead.
 */
function supervise(c: CaseSnapshot, cmd: Extract<CaseCommand, { action: 'supervise' }>, now: Date): Applied {
  if (cmd.dueAt && cmd.dueAt.getTime() <= now.getTime()) {
    throw new AppError('supervision.invalid', '督办期限必须晚于当前时间', { field: 'dueAt' });
  }
  const dueAt = cmd.dueAt ?? null;
  return { patch: { state: c.state, supervision: { at: now, dueAt } }, data: { note: cmd.note, dueAt: dueAt?.toISOString() ?? null } };
}

/**
 * The event kind of a running clock moved onto a changed working calendar (the city admin asked for it when
 * saving a year). It is not an action: nobody chooses it on a case, and the state stays.
 */
export const CLOCK_RECOMPUTED = 'clock.recomputed';

export interface ClockRecomputation {
  event: { action: typeof CLOCK_RECOMPUTED; fromState: CaseState; toState: CaseState; note: string; data: Record<string, unknown> };
  /** The timers re-armed as for any new clock, when the Dalian deadline (the one with timers) moved. */
  effects: Effect[];
}

/**
 * A running clock re-computed on a new calendar: same start, same allowed working time, new deadlines. The
 * event keeps both deadlines before and after; the Dalian clock's timers restart from its new deadline.
 */
export function recomputeClock(state: CaseState, before: CaseClock, after: CaseClock, year: number): ClockRecomputation {
  const dalianMoved = before.dueAt.getTime() !== after.dueAt.getTime();
  const nationalMoved = before.nationalDueAt.getTime() !== after.nationalDueAt.getTime();
  return {
    event: {
      action: CLOCK_RECOMPUTED,
      fromState: state,
      toState: state,
      note: `工作日历（${year}年）调整，按新日历重新计算办理时限`,
      data: {
        year,
        dueAtBefore: before.dueAt.toISOString(), dueAtAfter: after.dueAt.toISOString(), calendar: before.calendar,
        nationalDueAtBefore: before.nationalDueAt.toISOString(), nationalDueAtAfter: after.nationalDueAt.toISOString(), nationalCalendar: before.nationalCalendar,
        moved: [...(dalianMoved ? ['dalian'] : []), ...(nationalMoved ? ['national'] : [])],
      },
    },
    effects: dalianMoved ? [startTimer(after)] : [],
  };
}

/** Guards inside a state that decide() enforces, asked ahead of time for `allowedActions`. */
const GUARDS: Partial<Record<CaseAction, (c: CaseSnapshot, now: Date) => boolean>> = {
  'request-extension': (c) => c.pendingExtension === null,
  'decide-extension': (c) => c.pendingExtension !== null,
  rate: (c) => c.ratingScore === null,
  reopen: (c, now) => c.closedAt !== null && now.getTime() - c.closedAt.getTime() <= REOPEN_WINDOW_DAYS * 24 * 3600 * 1000,
};

/** Actions the machine would accept now: state allows them and their guards pass. */
export function availableActions(c: CaseSnapshot, now: Date): CaseAction[] {
  return actionsFrom(c.state).filter((a) => GUARDS[a]?.(c, now) ?? true);
}
