import { decide } from '../../domain/case-machine.js';
import { AppError } from '../../domain/errors.js';
import { toSnapshot } from '../access.js';
import type { CurrentUser, Deps } from '../deps.js';
import { effectsToRecord } from '../effects.js';
import { HANDOVER_TOPIC, type HandoverPayload } from '../notifications/handover-notices.js';
import { requireAdminOver } from './admin-scope.js';

export interface DeactivationResult {
  userId: string;
  deactivatedAt: Date;
  /** Cases handed to the community because the grid has no active inspector left. */
  handedOver: { caseId: string; to: string }[];
  /** Cases kept by the grid, whose other post (still active) holds them now. */
  keptByGrid: string[];
}

/**
 * `POST /api/v1/admin/staff/:id/deactivate`: the person may no longer act (status `deactivated`; every
 * request re-reads the record, so their tokens answer 401), and their live activation codes are revoked.
 *
 * Cases are held by units, not people. For a grid inspector: while the grid keeps an active inspector on
 * its other post, its open cases stay with the grid (that inspector's inbox), and each remaining inspector
 * is told (【任务移交】: how many, from whom); when none is left, each dispatched or in-progress case is
 * escalated to the community through the case machine (an `escalate` event, whose notifications already
 * tell the community staff and group), so nothing waits on a person who is gone.
 */
export async function deactivateStaff(deps: Deps, actor: CurrentUser, userId: string, reason: string | undefined): Promise<DeactivationResult> {
  const now = deps.clock.now();
  const result = await deps.uow.run(async (tx): Promise<DeactivationResult> => {
    const m = await tx.staffAccounts.memberForUpdate(userId);
    if (!m?.orgNodeCode || m.roles.includes('resident')) throw new AppError('staff.not_found', '工作人员不存在');
    requireAdminOver(actor, deps.org, m.orgNodeCode);
    if (m.id === actor.id) throw new AppError('auth.forbidden', '不能停用自己的账号');
    if (m.status === 'deactivated') return { userId, deactivatedAt: now, handedOver: [], keptByGrid: [] };
    await tx.staffAccounts.deactivate(m.id, now);
    await tx.audit.record({
      at: now, actorId: actor.id, actorRole: 'admin', action: 'staff.deactivate', entityType: 'user', entityId: m.id, orgNodeCode: m.orgNodeCode,
      before: { status: m.status }, after: { status: 'deactivated' }, note: reason ?? null,
    });
    const unit = deps.org.get(m.orgNodeCode);
    if (!m.roles.includes('inspector') || unit?.level !== 'grid') return { userId, deactivatedAt: now, handedOver: [], keptByGrid: [] };
    const caseIds = await tx.staffAccounts.openCasesHeldBy(unit.code);
    const others = (await tx.staffAccounts.activeInspectors(unit.code)).filter((o) => o.id !== m.id);
    if (others.length) {
      for (const caseId of caseIds) {
        await tx.audit.record({
          at: now, actorId: actor.id, actorRole: 'admin', action: 'case.handover', entityType: 'case', entityId: caseId, orgNodeCode: unit.code,
          before: { holder: unit.code, inspector: m.id }, after: { holder: unit.code, inspectors: others.map((o) => o.id) }, note: '网格员停用，案件由本网格另一岗网格员继续办理',
        });
      }
      // The inspectors who now hold the cases are told, through the outbox like every message (its planner: notifications/handover-notices.ts).
      if (caseIds.length) {
        const payload: HandoverPayload = { fromUserId: m.id, fromName: m.name, gridCode: unit.code, caseIds, to: others.map((o) => o.id) };
        await tx.outbox.append([{ topic: HANDOVER_TOPIC, caseId: caseIds[0]!, payload: { ...payload } }], now);
      }
      return { userId, deactivatedAt: now, handedOver: [], keptByGrid: caseIds };
    }
    const community = unit.parentCode;
    const handedOver: { caseId: string; to: string }[] = [];
    if (!community) return { userId, deactivatedAt: now, handedOver, keptByGrid: caseIds };
    const note = `网格员${m.name}已停用，本网格暂无在岗网格员，案件移交社区`;
    for (const caseId of caseIds) {
      const loaded = await tx.cases.loadForUpdate(caseId, actor.id, false);
      if (!loaded) continue;
      const decision = decide(toSnapshot(loaded.row), { action: 'escalate', parentCode: community, note }, { id: actor.id, role: 'admin', orgNodeCode: actor.orgNodeCode }, now);
      const e = decision.event;
      const event = { action: e.action, fromState: e.fromState, toState: e.toState, actorId: actor.id, actorRole: 'admin' as const, note: e.note, data: e.data };
      await tx.cases.saveDecision(loaded.row, decision.patch, { responsiblePath: deps.org.get(community)?.path ?? null, now }, event, [], effectsToRecord(deps, decision.effects));
      await tx.audit.record({
        at: now, actorId: actor.id, actorRole: 'admin', action: 'case.handover', entityType: 'case', entityId: caseId, orgNodeCode: unit.code,
        before: { holder: unit.code, state: loaded.row.state }, after: { holder: community, state: decision.patch.state }, note,
      });
      handedOver.push({ caseId, to: community });
    }
    return { userId, deactivatedAt: now, handedOver, keptByGrid: [] };
  });
  // This process refuses the person's next request at once; other API processes within USER_CACHE_MS.
  deps.users.forget?.(userId);
  // The rota leaves deactivated holders out; drop this process's cached days so on-duty messages skip them now.
  deps.duty.invalidate();
  return result;
}
