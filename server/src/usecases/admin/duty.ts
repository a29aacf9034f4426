import type { DutyMonthDto, DutyOverrideDto, DutyRuleDto, DutySubstituteDto, DutyUpdateRequest } from '@finecity/types';
import { DEFAULT_DUTY_RULE, daysInclusive, isDay, monthDays } from '../../domain/duty-roster.js';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import { districtOf, type StoredOverride, type StoredSubstitute } from '../duty-ports.js';
import type { OrgNode } from '../repositories.js';
import { requireAdmin, requireAdminOver } from './admin-scope.js';

/** At most this many overrides and substitutes in a unit's month view. */
const LIST_LIMIT = 500;
/** A substitute covers at most this many days (a quarter): longer absences are a change of post. */
export const MAX_SUBSTITUTE_DAYS = 92;
const STAFF_ROLES = new Set(['inspector', 'community', 'street', 'district', 'city', 'department', 'third_party', 'leader']);

interface FieldError {
  field: string;
  message: string;
}

function unitAndMonth(deps: Deps, user: CurrentUser, orgNodeCode: string, month: string): { node: OrgNode; days: string[] } {
  requireAdminOver(user, deps.org, orgNodeCode);
  const days = monthDays(month);
  if (!days) throw new AppError('duty.invalid', '值班设置不正确', [{ field: 'month', message: '月份格式应为 YYYY-MM' }]);
  return { node: deps.org.get(orgNodeCode)!, days };
}

/** The districts whose rules a unit's view shows: its own district, or every district under it. */
function districtsFor(deps: Deps, node: OrgNode): string[] {
  const own = districtOf(deps.org, node.code);
  if (own) return [own];
  return deps.org.all().filter((n) => n.level === 'district' && n.path.startsWith(node.path)).map((n) => n.code);
}

/** GET /api/v1/admin/duty: a grid's month day by day; for a larger unit, its rules and the changes in the month. */
export async function dutyMonth(deps: Deps, user: CurrentUser, orgNodeCode: string, month: string): Promise<DutyMonthDto> {
  const { node, days } = unitAndMonth(deps, user, orgNodeCode, month);
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const districts = districtsFor(deps, node);
  const [stored, range, grid] = await Promise.all([
    deps.dutyStore.rules(districts),
    deps.dutyStore.inRange(node.path, first, last, LIST_LIMIT + 1),
    node.level === 'grid' ? deps.duty.days(node.code, days) : Promise.resolve([]),
  ]);
  const rules: DutyRuleDto[] = districts.map((code) => {
    const r = stored.find((s) => s.districtCode === code);
    return {
      districtCode: code, districtName: deps.org.get(code)?.name ?? code, rule: r?.rule ?? DEFAULT_DUTY_RULE, stored: !!r,
      setAt: r?.setAt.toISOString() ?? null, setByName: r?.setByName ?? null,
    };
  });
  return {
    orgNodeCode: node.code,
    level: node.level,
    month,
    rules,
    days: grid.map((d) => ({
      date: d.day, slot: d.slot, source: d.source,
      people: d.onDuty.people.map((p) => ({ id: p.person.id, name: p.person.name, post: d.slot, substitute: p.substitute })),
    })),
    overrides: range.overrides.slice(0, LIST_LIMIT).map((o) => overrideDto(deps, o)),
    substitutes: range.substitutes.slice(0, LIST_LIMIT).map((s) => substituteDto(deps, s)),
    truncated: range.overrides.length > LIST_LIMIT || range.substitutes.length > LIST_LIMIT,
  };
}

const overrideDto = (deps: Deps, o: StoredOverride): DutyOverrideDto => ({
  id: o.id, gridCode: o.gridCode, gridName: deps.org.get(o.gridCode)?.name ?? o.gridCode, date: o.day, slot: o.slot, setAt: o.setAt.toISOString(), setByName: o.setByName,
});

const substituteDto = (deps: Deps, s: StoredSubstitute): DutySubstituteDto => ({
  id: s.id, gridCode: s.gridCode, gridName: deps.org.get(s.gridCode)?.name ?? s.gridCode, post: s.post, userId: s.person.id, name: s.person.name,
  from: s.from, to: s.to, setAt: s.setAt.toISOString(), setByName: s.setByName,
});

/**
 * PUT /api/v1/admin/duty: sets the district's rule and/or the grid's overrides and substitutes for the
 * month, in one transaction with its `duty.update` audit line. Rows are superseded, never deleted. Every
 * problem of the request is reported at once (422 `duty.invalid`, details: the fields).
 */
export async function updateDuty(deps: Deps, user: CurrentUser, orgNodeCode: string, month: string, body: DutyUpdateRequest): Promise<DutyMonthDto> {
  const { node, days } = unitAndMonth(deps, user, orgNodeCode, month);
  const scope = requireAdmin(user).path;
  const errors: FieldError[] = [];
  const inMonth = new Set(days);
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const gridParts = (body.overrides?.length ?? 0) + (body.substitutes?.length ?? 0) + (body.cancelSubstitutes?.length ?? 0);
  if (body.rule === undefined && gridParts === 0) errors.push({ field: 'body', message: '没有要修改的内容' });
  if (body.rule !== undefined && node.level !== 'district') errors.push({ field: 'rule', message: '值班规则按区设置，请选择区' });
  if (gridParts > 0 && node.level !== 'grid') errors.push({ field: 'orgNodeCode', message: '指定日期值班和替班按网格设置，请选择网格' });
  const seen = new Set<string>();
  (body.overrides ?? []).forEach((o, i) => {
    if (!isDay(o.date) || !inMonth.has(o.date)) errors.push({ field: `overrides.${i}.date`, message: `日期须在 ${month} 月内` });
    else if (seen.has(o.date)) errors.push({ field: `overrides.${i}.date`, message: '同一日期只能设置一次' });
    seen.add(o.date);
  });
  for (const [i, s] of (body.substitutes ?? []).entries()) {
    const f = `substitutes.${i}`;
    const datesOk = isDay(s.from) && isDay(s.to);
    if (!isDay(s.from)) errors.push({ field: `${f}.from`, message: '开始日期格式应为 YYYY-MM-DD' });
    if (!isDay(s.to)) errors.push({ field: `${f}.to`, message: '结束日期格式应为 YYYY-MM-DD' });
    if (datesOk && s.from > s.to) errors.push({ field: `${f}.to`, message: '结束日期不能早于开始日期' });
    else if (datesOk && daysInclusive(s.from, s.to) > MAX_SUBSTITUTE_DAYS) errors.push({ field: `${f}.to`, message: `替班最长 ${MAX_SUBSTITUTE_DAYS} 天` });
    else if (datesOk && (s.to < first || s.from > last)) errors.push({ field: `${f}.from`, message: `替班日期须与 ${month} 月有交集` });
    const staff = await deps.dutyStore.staff(s.userId);
    const unit = staff?.orgNodeCode ? deps.org.get(staff.orgNodeCode) : undefined;
    // Only active staff: an invited account has not bound WeChat yet, so it could neither hear nor sign the task.
    if (!staff || staff.status !== 'active' || !staff.roles.some((r) => STAFF_ROLES.has(r)) || !unit?.path.startsWith(scope)) {
      errors.push({ field: `${f}.userId`, message: '替班人须为您管理范围内在岗的工作人员' });
    }
  }
  if (errors.length) throw new AppError('duty.invalid', '值班设置不正确', errors);

  const now = deps.clock.now();
  await deps.dutyStore.change(async (w) => {
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    if (body.rule !== undefined) {
      before.rule = (await w.setRule(node.code, body.rule, user.id, now)) ?? DEFAULT_DUTY_RULE;
      after.rule = body.rule;
    }
    if (body.overrides?.length) {
      const old = [];
      for (const o of body.overrides) old.push({ date: o.date, slot: await w.setOverride(node.code, o.date, o.slot, user.id, now) });
      before.overrides = old;
      after.overrides = body.overrides.map((o) => ({ date: o.date, slot: o.slot }));
    }
    if (body.cancelSubstitutes?.length) {
      const old = [];
      for (const [i, id] of body.cancelSubstitutes.entries()) {
        const s = await w.cancelSubstitute(node.code, id, user.id, now);
        if (!s) throw new AppError('duty.invalid', '值班设置不正确', [{ field: `cancelSubstitutes.${i}`, message: '该网格没有这条有效的替班记录' }]);
        old.push({ id, ...s });
      }
      before.substitutes = old;
      after.cancelledSubstitutes = old.map((s) => s.id);
    }
    if (body.substitutes?.length) {
      const added = [];
      for (const s of body.substitutes) added.push({ id: await w.addSubstitute({ gridCode: node.code, ...s }, user.id, now), ...s });
      after.substitutes = added;
    }
    await w.audit.record({
      at: now, actorId: user.id, actorRole: 'admin', action: 'duty.update', entityType: 'duty', entityId: `${node.code}:${month}`,
      orgNodeCode: node.code, before, after, note: body.note ?? null,
    });
  });
  deps.duty.invalidate();
  return dutyMonth(deps, user, orgNodeCode, month);
}
