import type { ActionRequest, CheckInDto, Complexity } from '@finecity/types';
import { OPEN_STATES } from '@finecity/types';
import { canSee } from '../domain/authorization.js';
import type { CaseCommand } from '../domain/case-commands.js';
import { decide } from '../domain/case-machine.js';
import type { CaseClock } from '../domain/case-model.js';
import { distanceM } from '../domain/duplicates.js';
import { AppError } from '../domain/errors.js';
import { isSquad, squadClock, type SquadLimits } from '../domain/squad-clock.js';
import { authorize, scopeFacts, toSnapshot } from './access.js';
import { caseView, type CaseView } from './case-view.js';
import { effectsToRecord } from './effects.js';
import type { CurrentUser, Deps } from './deps.js';
import { processPhotos, removePhotos, storeProcessed, type StoredPhoto } from './photo-intake.js';
import type { CaseRecord, TxPorts } from './repositories.js';

/** A validated action request (declared once, in @finecity/types). */
export type ActionInput = ActionRequest;

/**
 * The case after an action, as the caller may now see it. `view` is null when the action handed the case
 * out of the caller's sight (a department returning or escalating it): the action happened, and `row` is
 * its new state.
 */
export interface ActionOutcome {
  row: CaseRecord;
  view: CaseView | null;
}

/** The decisions that give or take a report's points (registered; rejected or merged as a duplicate). */
const POINTS_ACTIONS: ReadonlySet<string> = new Set(['register', 'reject', 'merge']);

/**
 * One user intent on a case, one transaction: load and lock the case once, authorize, decide, save the
 * patch with its event, photos and outbox effects, and answer from the rows of that transaction.
 * Photos are checked and re-encoded in memory first (a bad photo writes nothing), written to the store
 * only once the caller is authorized, and removed again if the transaction fails.
 */
export async function actOnCase(deps: Deps, user: CurrentUser, caseId: string, input: ActionInput, files: Buffer[] = [], opts: { expectedVersion?: number } = {}): Promise<ActionOutcome> {
  if (input.action === 'handle' && files.length === 0) throw new AppError('photo.missing', '办结需上传处置后照片');
  if (input.action !== 'handle' && files.length > 0) throw new AppError('request.invalid', '该操作不接受照片');
  const processed = files.length ? await processPhotos(deps, files) : [];
  // Who is on duty in the grid a dispatch goes to, read before the locked transaction (the rota is cached).
  const duty = input.action === 'dispatch' ? await deps.duty.forDispatch(caseId, input.orgNodeCode, deps.clock.now()) : null;
  let stored: StoredPhoto[] = [];
  try {
    return await deps.uow.run(async (tx) => {
      const now = deps.clock.now();
      const loaded = await tx.cases.loadForUpdate(caseId, user.id);
      if (!loaded) throw new AppError('case.not_found', '案件不存在');
      const { row } = loaded;
      const role = authorize(user, scopeFacts(user, row, loaded.callerFollows), input.action);
      // A batch item may name the version the dispatcher saw: a case changed since then is not acted on blind.
      if (opts.expectedVersion !== undefined && row.version !== opts.expectedVersion) {
        throw new AppError('case.version_conflict', '案件已被他人更新，请刷新后再办理', { version: row.version });
      }
      if (processed.length) stored = await storeProcessed(deps, processed);
      const cmd = await buildCommand(deps, tx, user, row, input, stored, now);
      const decision = decide(toSnapshot(row), cmd, { id: user.id, role, orgNodeCode: user.orgNodeCode }, now);
      const holder = decision.patch.responsibleCode;
      const responsiblePath = holder ? (deps.org.get(holder)?.path ?? null) : null;
      const e = decision.event;
      const event = { action: e.action, fromState: e.fromState, toState: e.toState, actorId: user.id, actorRole: role, note: e.note, data: onDutyData(e.data, e.action, holder, duty) };
      const photos = stored.map((p) => p.meta);
      const next = await tx.cases.saveDecision(row, decision.patch, { responsiblePath, now }, event, photos, effectsToRecord(deps, decision.effects));
      if (cmd.action === 'merge') await tx.cases.moveFollowers(row.id, cmd.intoCaseId, now);
      if (POINTS_ACTIONS.has(cmd.action)) await tx.points.refreshCase(row.id, deps.policy.rules.points);
      const facts = scopeFacts(user, next, loaded.callerFollows);
      if (!canSee(user.roles, facts)) return { row: next, view: null };
      // The answer is the timeline read with the lock plus what this decision added: no second read.
      const detail = {
        ...loaded.detail,
        events: [...loaded.detail.events, { ...event, seq: next.version, actorName: user.name, at: now }],
        photos: [...loaded.detail.photos, ...photos.map((p) => ({ ...p, caseId, eventSeq: next.version, kind: 'after' as const, createdAt: now }))],
      };
      return { row: next, view: caseView(user, next, detail, facts, now) };
    });
  } catch (err) {
    await removePhotos(deps, stored);
    throw err;
  }
}

function currentClock(row: CaseRecord): CaseClock {
  if (!row.clockStartedAt || !row.dueAt || !row.nationalDueAt) throw new AppError('internal', 'case has no running clock');
  return {
    startedAt: row.clockStartedAt,
    dueAt: row.dueAt,
    calendar: row.clockCalendar as CaseClock['calendar'],
    nationalDueAt: row.nationalDueAt,
    nationalCalendar: row.nationalCalendar as CaseClock['nationalCalendar'],
  };
}

/** Whose limits a clock of this case runs on: the policy version it was reported under, its grid's type. */
function limitsOf(deps: Deps, row: CaseRecord): { version: number | null; gridType: string | null } {
  return { version: row.policyVersion, gridType: (row.gridCode ? deps.org.get(row.gridCode)?.gridType : null) ?? null };
}

async function buildCommand(deps: Deps, tx: TxPorts, user: CurrentUser, row: CaseRecord, input: ActionInput, stored: StoredPhoto[], now: Date): Promise<CaseCommand> {
  // A version made in another process since this one last read them (at most a minute ago) is read now.
  if (input.action === 'dispatch' || input.action === 'verify') await deps.categories.ensureVersion(row.policyVersion);
  switch (input.action) {
    case 'dispatch':
      return dispatchCommand(deps, user, row, input, now);
    case 'escalate': {
      const parent = row.responsibleCode ? deps.org.get(row.responsibleCode)?.parentCode : null;
      if (!parent) throw new AppError('case.transition_not_allowed', '已是最高一级，不能再上报');
      return { action: 'escalate', parentCode: parent, note: input.note };
    }
    case 'merge':
      return mergeCommand(tx, user, row, input);
    case 'sign':
      return { action: 'sign', note: input.note, checkIn: checkIn(deps, row, input), squad: squadLimits(deps, row.responsibleCode) !== null };
    case 'handle':
      return { action: 'handle', photoIds: stored.map((p) => p.id), note: input.note, checkIn: checkIn(deps, row, input) };
    case 'decide-extension': {
      const hours = row.pendingExtension?.hours ?? 0;
      const extendedClock = input.approved && row.pendingExtension ? deps.sla.extend(currentClock(row), hours) : undefined;
      return { action: 'decide-extension', approved: input.approved, extendedClock, note: input.note };
    }
    case 'verify':
      return { action: 'verify', passed: input.passed, reworkClock: input.passed ? undefined : reworkClock(deps, row, now), note: input.note };
    case 'register':
      return { action: 'register', note: input.note, ...(input.categoryCode ? { category: registerCategory(deps, input.categoryCode) } : {}) };
    case 'supervise':
      return { action: 'supervise', note: input.note, ...(input.dueAt ? { dueAt: new Date(input.dueAt) } : {}) };
    default:
      return input as CaseCommand;
  }
}

/** The category a registration gives the case (issue 11): a known, enabled one. */
function registerCategory(deps: Deps, code: string): { code: string; standardRef: string } {
  const category = deps.categories.get(code);
  if (!category) throw new AppError('category.unknown', '未知的问题类别', { categoryCode: code });
  if (!category.enabled) throw new AppError('category.disabled', `“${category.name}”类别已停用，请重新选择问题类别`, { categoryCode: code });
  return { code, standardRef: code.startsWith('DL-') ? 'DL-local' : deps.policy.categories.standardRef };
}

/** On-site check-in sent with sign/handle: where the inspector stood, and how far from the reported point. */
function checkIn(deps: Deps, row: CaseRecord, input: { lat?: number; lng?: number }): CheckInDto | undefined {
  if (input.lat === undefined || input.lng === undefined) return undefined;
  const d = Math.round(distanceM({ lat: input.lat, lng: input.lng }, { lat: row.lat, lng: row.lng }));
  return { lat: input.lat, lng: input.lng, distanceM: d, onSite: d <= deps.policy.rules.checkIn.radiusM };
}

function dispatchCommand(deps: Deps, user: CurrentUser, row: CaseRecord, input: Extract<ActionInput, { action: 'dispatch' }>, now: Date): CaseCommand {
  const targetCode = input.orgNodeCode ?? row.gridCode ?? row.districtCode;
  const target = deps.org.get(targetCode);
  // A dispatcher sends work down its own subtree only (a district cannot task a city department).
  if (!target || !user.orgPath || !target.path.startsWith(user.orgPath) || target.level === 'city') {
    throw new AppError('dispatch.target_invalid', '只能派遣到本级及下级单位', { orgNodeCode: targetCode });
  }
  const complexity: Complexity = input.complexity ?? (row.complexity as Complexity | null) ?? 'simple';
  const category = deps.sla.compute(row.categoryCode, complexity, now, limitsOf(deps, row));
  // A quick squad works on its own minute clock; the national clock stays the category's.
  const squad = squadLimits(deps, target.code);
  const clock = squad ? squadClock(category, squad, now) : category;
  return { action: 'dispatch', targetCode: target.code, targetLevel: target.level, complexity, clock, note: input.note };
}

/** 返工: a new handling clock for the holder; a squad's is its fix minutes again (it is on site already: no arrival). */
function reworkClock(deps: Deps, row: CaseRecord, now: Date): CaseClock {
  const category = deps.sla.compute(row.categoryCode, (row.complexity ?? 'simple') as Complexity, now, limitsOf(deps, row));
  const squad = squadLimits(deps, row.responsibleCode);
  return squad ? squadClock(category, squad, now, false) : category;
}

/** The minute limits of the quick squad `code` names (config/assessment.json "squads"); null for any other unit. */
function squadLimits(deps: Deps, code: string | null): SquadLimits | null {
  const unitType = code ? deps.org.get(code)?.unitType : null;
  return isSquad(unitType) ? deps.policy.assessment.squads[unitType] : null;
}

async function mergeCommand(tx: TxPorts, user: CurrentUser, row: CaseRecord, input: Extract<ActionInput, { action: 'merge' }>): Promise<CaseCommand> {
  const target = input.intoCaseId === row.id ? null : await tx.cases.loadForUpdate(input.intoCaseId, user.id, false);
  const visible = target ? scopeFacts(user, target.row, target.callerFollows).inArea : false;
  const open = target ? OPEN_STATES.includes(target.row.state as (typeof OPEN_STATES)[number]) : false;
  if (!target || !visible || !open) {
    throw new AppError('case.merge_target_invalid', '只能合并到本辖区内的在办案件', { intoCaseId: input.intoCaseId });
  }
  return { action: 'merge', intoCaseId: target.row.id, intoCaseNo: target.row.caseNo, note: input.note };
}


/** A dispatch to a grid records who was on duty there: `onDuty: {slot, userIds}` in the event's data. */
function onDutyData(data: Record<string, unknown>, action: string, holder: string | null | undefined, duty: { gridCode: string; slot: string; userIds: string[] } | null): Record<string, unknown> {
  return action === 'dispatch' && duty && holder === duty.gridCode ? { ...data, onDuty: { slot: duty.slot, userIds: duty.userIds } } : data;
}
