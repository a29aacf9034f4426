import { eq } from 'drizzle-orm';
import type { CheckInDto, Complexity } from '@finecity/types';
import { OPEN_STATES } from '@finecity/types';
import { addFollower, appendEvent, applyPatch, findCase, insertPhotos, recordEffects, toSnapshot, type CaseRow } from '../adapters/postgres/case-repo.js';
import type { Tx } from '../adapters/postgres/database.js';
import { caseFollowers, orgNodes } from '../adapters/postgres/schema.js';
import type { CaseCommand } from '../domain/case-commands.js';
import { decide } from '../domain/case-machine.js';
import type { CaseClock } from '../domain/case-model.js';
import { distanceM } from '../domain/duplicates.js';
import { AppError } from '../domain/errors.js';
import { authorize, scopeFacts } from './access.js';
import type { CurrentUser, Deps } from './deps.js';
import { storePhotos, type StoredPhoto } from './photos.js';

/** Validated request bodies, one per action (http/schemas/actions.ts). */
export type ActionInput =
  | { action: 'register'; note?: string }
  | { action: 'sign'; note?: string; lat?: number; lng?: number }
  | { action: 'reject' | 'return' | 'escalate' | 'suspend' | 'reopen'; note: string }
  | { action: 'merge'; intoCaseId: string; note?: string }
  | { action: 'dispatch'; orgNodeCode?: string; complexity?: Complexity; note?: string }
  | { action: 'handle'; note?: string; lat?: number; lng?: number }
  | { action: 'request-extension'; hours: number; note: string }
  | { action: 'decide-extension'; approved: boolean; note?: string }
  | { action: 'verify'; passed: boolean; note?: string }
  | { action: 'rate'; score: number; comment?: string };

/**
 * One user intent on a case: lock, authorize, resolve, decide, save state + event + outbox together.
 * Photos are checked and stored before the transaction and removed again if it fails.
 */
export async function actOnCase(deps: Deps, user: CurrentUser, caseId: string, input: ActionInput, files: Buffer[] = []): Promise<CaseRow> {
  if (input.action === 'handle' && files.length === 0) throw new AppError('photo.missing', '办结需上传处置后照片');
  if (input.action !== 'handle' && files.length > 0) throw new AppError('request.invalid', '该操作不接受照片');
  // Authorize before touching any photo, so an out-of-scope caller learns nothing and stores nothing.
  await deps.db.transaction(async (tx) => {
    const row = await findCase(tx, caseId);
    if (!row) throw new AppError('case.not_found', '案件不存在');
    authorize(user, await scopeFacts(tx, user, row), input.action);
  });
  const stored = files.length ? await storePhotos(deps, files) : [];
  try {
    return await deps.db.transaction((tx) => transition(deps, tx, user, caseId, input, stored));
  } catch (err) {
    await Promise.all(stored.map((p) => deps.photos.remove(p.id)));
    throw err;
  }
}

async function transition(deps: Deps, tx: Tx, user: CurrentUser, caseId: string, input: ActionInput, stored: StoredPhoto[]): Promise<CaseRow> {
  const now = deps.clock.now();
  const row = await findCase(tx, caseId, true);
  if (!row) throw new AppError('case.not_found', '案件不存在');
  const role = authorize(user, await scopeFacts(tx, user, row), input.action);
  const cmd = await buildCommand(deps, tx, user, row, input, stored, now);
  const decision = decide(toSnapshot(row), cmd, { id: user.id, role, orgNodeCode: user.orgNodeCode }, now);
  const responsibleCode = decision.patch.responsibleCode;
  const responsiblePath = responsibleCode ? await nodePath(tx, responsibleCode) : null;
  const next = await applyPatch(tx, row, decision.patch, { responsiblePath, now });
  const e = decision.event;
  await appendEvent(tx, {
    caseId, seq: next.version, action: e.action, fromState: e.fromState, toState: e.toState,
    actorId: user.id, actorRole: role, at: now, note: e.note, data: e.data,
  });
  await insertPhotos(tx, stored.map((p) => ({ ...p.meta, caseId, eventSeq: next.version, kind: 'after', createdAt: now })));
  if (cmd.action === 'merge') await moveFollowers(tx, row, cmd.intoCaseId, now);
  await recordEffects(tx, caseId, next.version, decision.effects, now);
  return next;
}

async function nodePath(tx: Tx, code: string): Promise<string> {
  const rows = await tx.select({ path: orgNodes.path }).from(orgNodes).where(eq(orgNodes.code, code));
  if (!rows[0]) throw new AppError('dispatch.target_invalid', '目标单位不存在', { orgNodeCode: code });
  return rows[0].path;
}

function currentClock(row: CaseRow): CaseClock {
  if (!row.clockStartedAt || !row.dueAt || !row.nationalDueAt) throw new AppError('internal', 'case has no running clock');
  return {
    startedAt: row.clockStartedAt,
    dueAt: row.dueAt,
    calendar: row.clockCalendar as CaseClock['calendar'],
    nationalDueAt: row.nationalDueAt,
    nationalCalendar: row.nationalCalendar as CaseClock['nationalCalendar'],
  };
}

async function buildCommand(deps: Deps, tx: Tx, user: CurrentUser, row: CaseRow, input: ActionInput, stored: StoredPhoto[], now: Date): Promise<CaseCommand> {
  switch (input.action) {
    case 'dispatch':
      return dispatchCommand(deps, tx, user, row, input, now);
    case 'escalate': {
      const parent = row.responsibleCode ? (await tx.select().from(orgNodes).where(eq(orgNodes.code, row.responsibleCode)))[0]?.parentCode : null;
      if (!parent) throw new AppError('case.transition_not_allowed', '已是最高一级，不能再上报');
      return { action: 'escalate', parentCode: parent, note: input.note };
    }
    case 'merge':
      return mergeCommand(tx, user, row, input);
    case 'sign':
      return { action: 'sign', note: input.note, checkIn: checkIn(deps, row, input) };
    case 'handle':
      return { action: 'handle', photoIds: stored.map((p) => p.id), note: input.note, checkIn: checkIn(deps, row, input) };
    case 'decide-extension': {
      const hours = row.pendingExtension?.hours ?? 0;
      const extendedClock = input.approved && row.pendingExtension ? deps.sla.extend(currentClock(row), hours) : undefined;
      return { action: 'decide-extension', approved: input.approved, extendedClock, note: input.note };
    }
    case 'verify': {
      const reworkClock = input.passed ? undefined : deps.sla.compute(row.categoryCode, (row.complexity ?? 'simple') as Complexity, now);
      return { action: 'verify', passed: input.passed, reworkClock, note: input.note };
    }
    default:
      return input as CaseCommand;
  }
}

/** On-site check-in sent with sign/handle: where the inspector stood, and how far from the reported point. */
function checkIn(deps: Deps, row: CaseRow, input: { lat?: number; lng?: number }): CheckInDto | undefined {
  if (input.lat === undefined || input.lng === undefined) return undefined;
  const d = Math.round(distanceM({ lat: input.lat, lng: input.lng }, { lat: row.lat, lng: row.lng }));
  return { lat: input.lat, lng: input.lng, distanceM: d, onSite: d <= deps.policy.rules.checkIn.radiusM };
}

async function dispatchCommand(deps: Deps, tx: Tx, user: CurrentUser, row: CaseRow, input: Extract<ActionInput, { action: 'dispatch' }>, now: Date): Promise<CaseCommand> {
  const targetCode = input.orgNodeCode ?? row.gridCode ?? row.districtCode;
  const target = (await tx.select().from(orgNodes).where(eq(orgNodes.code, targetCode)))[0];
  // A dispatcher sends work down its own subtree only (a district cannot task a city department).
  if (!target || !user.orgPath || !target.path.startsWith(user.orgPath) || target.level === 'city') {
    throw new AppError('dispatch.target_invalid', '只能派遣到本级及下级单位', { orgNodeCode: targetCode });
  }
  const complexity: Complexity = input.complexity ?? (row.complexity as Complexity | null) ?? 'simple';
  const clock = deps.sla.compute(row.categoryCode, complexity, now);
  return { action: 'dispatch', targetCode: target.code, targetLevel: target.level, complexity, clock, note: input.note };
}

async function mergeCommand(tx: Tx, user: CurrentUser, row: CaseRow, input: Extract<ActionInput, { action: 'merge' }>): Promise<CaseCommand> {
  const target = input.intoCaseId === row.id ? null : await findCase(tx, input.intoCaseId, true);
  const visible = target ? (await scopeFacts(tx, user, target)).inArea : false;
  const open = target ? OPEN_STATES.includes(target.state as (typeof OPEN_STATES)[number]) : false;
  if (!target || !visible || !open) {
    throw new AppError('case.merge_target_invalid', '只能合并到本辖区内的在办案件', { intoCaseId: input.intoCaseId });
  }
  return { action: 'merge', intoCaseId: target.id, intoCaseNo: target.caseNo, note: input.note };
}

/** The merged reporter, and whoever followed the merged case, now follow the surviving case. */
async function moveFollowers(tx: Tx, merged: CaseRow, intoId: string, now: Date): Promise<void> {
  if (merged.reporterId) await addFollower(tx, intoId, merged.reporterId, now);
  const followers = await tx.select().from(caseFollowers).where(eq(caseFollowers.caseId, merged.id));
  for (const f of followers) await addFollower(tx, intoId, f.userId, now);
}

