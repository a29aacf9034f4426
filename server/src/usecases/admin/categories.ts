import type {
  AdminCategoriesDto, AdminCategoriesQuery, AdminCategoryDto, CategoryLimitsDto, CategoryLimitsInput, CategoryUpdateRequest, ClockName,
  CategoryUpdateResultDto, Complexity, PolicyVersionsDto, PolicyVersionsQuery, PolicyVersionSummaryDto,
} from '@finecity/types';
import { COMPLEXITIES } from '@finecity/types';
import { resolveClock, type ClockSpec, type LimitOverride, type TimeLimitPolicy } from '../../domain/deadlines.js';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { AuditEntry } from './audit.js';
import { isCityAdmin } from './admin-scope.js';

/**
 * Categories and time limits as versioned admin data (issue 9, item 6).
 *
 * Every change is a new row of `policy_versions` holding the FULL document (about 250 categories' editable
 * fields plus the limits, some 60 kB), not a diff: a version is read back as it was without replaying
 * history, and all versions fit in memory (they are few: one per admin change). Each row also keeps the
 * change it made (the category's changed fields before and after) for the version list.
 *
 * A case records the version it was reported under (cases.policy_version, set by the report's one
 * statement) and every clock it starts (dispatch, re-dispatch, rework) uses that version's limits: new
 * limits apply to new cases only. The limits of a case resolve, field by field, as
 * defaults ← big class ← category ← the category's limits for the case's grid type (that grid type's own
 * handling standard).
 */

/** A grid type named as config/grid-types.json names it, or by one of its aliases; undefined when unknown. */
function gridTypeName(deps: Pick<Deps, 'policy'>, name: string): string | undefined {
  const types = deps.policy.gridTypes.types;
  return types[name] ? name : Object.keys(types).find((t) => types[t]!.aliases.includes(name));
}
/** No limit may exceed 90 days (2 160 hours), in either calendar. */
export const MAX_LIMIT_HOURS = 90 * 24;

/** A category's editable fields; the rest (big class, keywords, flags, confusable pairs) is config/categories.json's. */
export interface CategoryEntry {
  name: string;
  department: string;
  hint: string | null;
  enabled: boolean;
}

/** The limits of one version: config/time-limits.json's layers plus the grid types' own per category. */
export interface LimitsDocument {
  defaults: Record<ClockName, ClockSpec>;
  byBigClass: Record<string, LimitOverride>;
  byCategory: Record<string, LimitOverride>;
  /** gridType → category code → that type's limits for the category. */
  byGridType: Record<string, Record<string, LimitOverride>>;
}

export interface PolicyDocument {
  categories: Record<string, CategoryEntry>;
  limits: LimitsDocument;
}

export interface PolicyChange {
  categoryCode: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  movedCases?: number;
}

export interface StoredPolicyVersion {
  version: number;
  createdAt: Date;
  createdBy: string | null;
  createdByName: string | null;
  reason: string;
  document: PolicyDocument;
  change: PolicyChange | null;
}

/** The versions as stored (port, outside a transaction): the composition root loads them into the catalogue. */
export interface PolicyVersionReader {
  /** Versions above `after`, oldest first. */
  since(after: number): Promise<StoredPolicyVersion[]>;
  /** Writes version 1 from the config files when no version is stored yet (first start); true when it did. */
  seedIfEmpty(first: PolicyDocument, at: Date): Promise<boolean>;
}

/** An open case of a category, as the disabling admin moves it. */
export interface OpenCaseRef {
  id: string;
  caseNo: string;
  districtCode: string;
}

/** The versions inside a transaction (TxPorts.policy). */
export interface PolicyTxStore {
  /** Takes the policy's writer lock until the transaction ends and reads the newest version. */
  lockLatest(): Promise<StoredPolicyVersion | null>;
  insertVersion(v: Omit<StoredPolicyVersion, 'createdByName'>): Promise<void>;
  /** Mirrors a category's editable fields into the `categories` table. */
  updateCategory(code: string, entry: CategoryEntry): Promise<void>;
  /** The category's open cases, locked. */
  openCases(code: string): Promise<OpenCaseRef[]>;
  /** Moves the cases to another category. */
  moveCases(ids: string[], toCode: string, at: Date): Promise<void>;
}

/** A category as the app uses it: config's fixed fields with the current version's editable ones. */
export interface LiveCategory extends CategoryEntry {
  code: string;
  kind: 'matter' | 'component';
  bigClassCode: string;
  bigClassName: string;
  keywords: string[];
  common: boolean;
  urgent: boolean;
  confusableWith: string[];
}

/** The categories and every version's limits, in memory (Deps.categories). */
export interface CategoryCatalog {
  current(): StoredPolicyVersion;
  get(code: string): LiveCategory | undefined;
  list(): readonly LiveCategory[];
  /** A version's limits; null (a case from before versioning) is version 1. */
  limits(version: number | null): LimitsDocument;
  /** Every version, oldest first. */
  versions(): readonly StoredPolicyVersion[];
  /** Loads `version` if this process has not seen it yet (made in another process within the last refresh period). */
  ensureVersion(version: number | null): Promise<void>;
  /** Reads the versions this process has not seen. */
  reload(): Promise<void>;
}

type StaticCategory = Omit<LiveCategory, keyof CategoryEntry>;

/** The catalogue over a reader: `reload` adds versions above the newest one held. */
export async function policyCatalog(reader: PolicyVersionReader, fixed: readonly StaticCategory[]): Promise<CategoryCatalog> {
  const byVersion = new Map<number, StoredPolicyVersion>();
  let ordered: StoredPolicyVersion[] = [];
  let latest: StoredPolicyVersion | null = null;
  let live: LiveCategory[] = [];
  let byCode = new Map<string, LiveCategory>();
  const reload = async (): Promise<void> => {
    const fresh = await reader.since(latest?.version ?? 0);
    if (!fresh.length) return;
    for (const v of fresh) byVersion.set(v.version, v);
    ordered = [...byVersion.values()].sort((a, b) => a.version - b.version);
    latest = ordered[ordered.length - 1]!;
    const doc = latest.document;
    live = fixed.filter((c) => doc.categories[c.code]).map((c) => ({ ...c, ...doc.categories[c.code]! }));
    byCode = new Map(live.map((c) => [c.code, c]));
  };
  await reload();
  if (!latest) throw new Error('no category policy version is stored');
  return {
    current: () => latest!,
    get: (code) => byCode.get(code),
    list: () => live,
    limits: (version) => (byVersion.get(version ?? ordered[0]!.version) ?? latest!).document.limits,
    versions: () => ordered,
    async ensureVersion(version) {
      if (version !== null && !byVersion.has(version)) await reload();
    },
    reload,
  };
}

/**
 * Version 1: the config files as they are at first start: categories.json, time-limits.json and each grid
 * type's `timeLimitOverrides` in grid-types.json (category code → limits, checked by city-policy.ts).
 */
export function firstDocument(
  categories: readonly (StaticCategory & { name: string; department: string; hint?: string | null })[],
  tl: Omit<LimitsDocument, 'byGridType'>,
  gridTypes: Record<string, { timeLimitOverrides?: Record<string, unknown> }>,
): PolicyDocument {
  const byGridType: Record<string, Record<string, LimitOverride>> = {};
  for (const [type, def] of Object.entries(gridTypes)) {
    if (def.timeLimitOverrides && Object.keys(def.timeLimitOverrides).length) byGridType[type] = def.timeLimitOverrides as Record<string, LimitOverride>;
  }
  return {
    categories: Object.fromEntries(categories.map((c) => [c.code, { name: c.name, department: c.department, hint: c.hint ?? null, enabled: true }])),
    limits: { defaults: tl.defaults, byBigClass: tl.byBigClass, byCategory: tl.byCategory, byGridType },
  };
}

// ---- Resolving limits ------------------------------------------------------------------------------------

const CLOCKS: readonly ClockName[] = ['dalian', 'national'];

/** `top` over `base`, field by field. */
function layered(base: LimitOverride | undefined, top: LimitOverride | undefined): LimitOverride {
  const out: Partial<Record<ClockName, { calendar?: 'natural' | 'working'; hours?: Partial<Record<Complexity, number>> }>> = {};
  for (const clock of CLOCKS) {
    const a = base?.[clock];
    const b = top?.[clock];
    if (!a && !b) continue;
    const calendar = b?.calendar ?? a?.calendar;
    out[clock] = { ...(calendar ? { calendar } : {}), hours: { ...a?.hours, ...b?.hours } };
  }
  return out;
}

/**
 * The time-limit policy a clock of this case is computed with: the version's limits, the category's own
 * layered with its grid type's when that type has a standard for the category.
 */
export function limitPolicyFor(base: Pick<TimeLimitPolicy, 'warn' | 'workingHours'>, doc: LimitsDocument, categoryCode: string, gridType: string | null | undefined): TimeLimitPolicy {
  const byType = gridType ? doc.byGridType[gridType]?.[categoryCode] : undefined;
  const byCategory = byType ? { ...doc.byCategory, [categoryCode]: layered(doc.byCategory[categoryCode], byType) } : doc.byCategory;
  return { warn: base.warn, workingHours: base.workingHours, defaults: doc.defaults, byBigClass: doc.byBigClass, byCategory };
}

function effective(doc: LimitsDocument, code: string, gridType: string | null): CategoryLimitsDto {
  const p = limitPolicyFor({ warn: { yellow: 0.5, red: 0.8 }, workingHours: [] }, doc, code, gridType);
  const one = (clock: ClockName) => {
    const r = resolveClock(p, code, clock);
    return { calendar: r.calendar, hours: { ...r.hours } };
  };
  return { dalian: one('dalian'), national: one('national') };
}

// ---- Validation ------------------------------------------------------------------------------------------

export interface FieldProblem {
  field: string;
  message: string;
}

const COMPLEXITY_NAME: Record<Complexity, string> = { simple: '简易', complex: '复杂', urgent: '紧急' };
const CLOCK_NAME: Record<ClockName, string> = { dalian: '大连时限', national: '国标处置时限' };
const fmtHours = (h: number): string => `${Number(h.toFixed(2))} 小时`;

/** Each value of an override: a positive number of hours, at most 90 days. */
function overrideProblems(o: CategoryLimitsInput | null | undefined, prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const clock of CLOCKS) {
    for (const complexity of COMPLEXITIES) {
      const h = o?.[clock]?.hours?.[complexity];
      if (h === undefined) continue;
      const field = `${prefix}.${clock}.hours.${complexity}`;
      const what = `${CLOCK_NAME[clock]}（${COMPLEXITY_NAME[complexity]}）`;
      if (!Number.isFinite(h) || h <= 0) problems.push({ field, message: `${what}必须大于 0 小时` });
      else if (h > MAX_LIMIT_HOURS) problems.push({ field, message: `${what}不能超过 90 天（${MAX_LIMIT_HOURS} 小时）` });
    }
  }
  return problems;
}

/** The effective limits keep urgent ≤ simple ≤ complex on both clocks (an urgent case never gets more time than a simple one). */
function orderProblems(limits: CategoryLimitsDto, prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const clock of CLOCKS) {
    const h = limits[clock].hours;
    if (h.urgent > h.simple) problems.push({ field: `${prefix}.${clock}.hours.urgent`, message: `${CLOCK_NAME[clock]}：紧急（${fmtHours(h.urgent)}）不能长于简易（${fmtHours(h.simple)}）` });
    if (h.simple > h.complex) problems.push({ field: `${prefix}.${clock}.hours.simple`, message: `${CLOCK_NAME[clock]}：简易（${fmtHours(h.simple)}）不能长于复杂（${fmtHours(h.complex)}）` });
  }
  return problems;
}

/** Drops empty clocks and unset hours; null when nothing is left. */
function cleanOverride(o: CategoryLimitsInput | null | undefined): LimitOverride | null {
  if (!o) return null;
  const out: Partial<Record<ClockName, { calendar?: 'natural' | 'working'; hours?: Partial<Record<Complexity, number>> }>> = {};
  for (const clock of CLOCKS) {
    const c = o[clock];
    if (!c) continue;
    const hours = Object.fromEntries(COMPLEXITIES.filter((k) => c.hours?.[k] !== undefined).map((k) => [k, c.hours![k]!]));
    const entry = { ...(c.calendar ? { calendar: c.calendar } : {}), ...(Object.keys(hours).length ? { hours } : {}) };
    if (Object.keys(entry).length) out[clock] = entry;
  }
  return Object.keys(out).length ? out : null;
}

// ---- Use cases -------------------------------------------------------------------------------------------

function requireCityAdmin(deps: Deps, user: CurrentUser): void {
  if (!isCityAdmin(user, deps.org)) throw new AppError('auth.forbidden', '只有市级管理员可以维护问题类别和处置时限');
}

function departmentsOf(deps: Deps): { code: string; name: string }[] {
  return deps.policy.categories.departments.map((d) => ({ code: d.code, name: deps.org.get(d.code)?.name ?? d.name }));
}

function presentVersion(v: StoredPolicyVersion): PolicyVersionSummaryDto {
  return {
    version: v.version, createdAt: v.createdAt.toISOString(), createdBy: v.createdBy ? { id: v.createdBy, name: v.createdByName ?? '' } : null,
    reason: v.reason, change: v.change,
  };
}

function presentCategory(deps: Deps, c: LiveCategory, doc: LimitsDocument): AdminCategoryDto {
  const dept = deps.policy.categories.departments.find((d) => d.code === c.department);
  const gridTypeLimits: Record<string, CategoryLimitsDto> = {};
  for (const [type, codes] of Object.entries(doc.byGridType)) if (codes[c.code]) gridTypeLimits[type] = effective(doc, c.code, type);
  return {
    code: c.code, name: c.name, bigClassCode: c.bigClassCode, bigClassName: c.bigClassName,
    department: { code: c.department, name: deps.org.get(c.department)?.name ?? dept?.name ?? c.department },
    hint: c.hint, enabled: c.enabled, urgent: c.urgent,
    limits: effective(doc, c.code, null), ownLimits: doc.byCategory[c.code] ?? null, gridTypeLimits,
  };
}

export function listAdminCategories(deps: Deps, user: CurrentUser, query: AdminCategoriesQuery = {}): AdminCategoriesDto {
  requireCityAdmin(deps, user);
  const current = deps.categories.current();
  const doc = current.document.limits;
  const q = query.q?.trim();
  const items = deps.categories
    .list()
    .filter((c) => (query.enabled === undefined || c.enabled === query.enabled) && (!q || c.code.includes(q) || c.name.includes(q)));
  return {
    version: presentVersion(current), gridTypes: Object.keys(deps.policy.gridTypes.types), departments: departmentsOf(deps),
    defaults: { dalian: { calendar: doc.defaults.dalian.calendar, hours: { ...doc.defaults.dalian.hours } }, national: { calendar: doc.defaults.national.calendar, hours: { ...doc.defaults.national.hours } } },
    categories: items.map((c) => presentCategory(deps, c, doc)),
  };
}

export function listPolicyVersions(deps: Deps, user: CurrentUser, query: Required<Pick<PolicyVersionsQuery, 'page' | 'pageSize'>> & PolicyVersionsQuery): PolicyVersionsDto {
  requireCityAdmin(deps, user);
  const all = [...deps.categories.versions()].reverse().filter((v) => !query.categoryCode || v.change?.categoryCode === query.categoryCode);
  const from = (query.page - 1) * query.pageSize;
  return { current: deps.categories.current().version, items: all.slice(from, from + query.pageSize).map(presentVersion), total: all.length };
}

export type CategoryUpdateResult = CategoryUpdateResultDto;

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * One admin change to a category: its fields and/or its limits, one new version, in one transaction with
 * its audit lines (`category.update`, `time_limits.update`, and one `category.map_open_cases` line per
 * moved case, in that case's district so district admins see it). Disabling a category with open cases
 * needs `mapOpenCasesTo`; the moved cases keep their running clocks (and their policy version), and their
 * next clock is the new category's under that version.
 */
export async function updateCategory(deps: Deps, user: CurrentUser, code: string, body: CategoryUpdateRequest): Promise<CategoryUpdateResult> {
  requireCityAdmin(deps, user);
  if (!deps.categories.get(code)) throw new AppError('category.not_found', '问题类别不存在', { categoryCode: code });
  const problems: FieldProblem[] = [];
  const departments = new Set(deps.policy.categories.departments.map((d) => d.code));
  const sameName = body.name === undefined ? undefined : deps.categories.list().find((c) => c.code !== code && c.name === body.name!.trim());
  if (sameName) problems.push({ field: 'name', message: `名称与已有类别“${sameName.name}”重复，市民无法区分` });
  if (body.department !== undefined && !departments.has(body.department)) problems.push({ field: 'department', message: `“${body.department}”不是市级职能部门编码` });
  // Grid types by their name or an alias (商业区(公共区) with half-width brackets is 商业区（公共区）).
  const gridTypeLimits: [string, CategoryLimitsInput | null][] = [];
  for (const [type, o] of Object.entries(body.gridTypeLimits ?? {})) {
    const name = gridTypeName(deps, type);
    if (!name) problems.push({ field: `gridTypeLimits.${type}`, message: `“${type}”不是网格类型（可选：${Object.keys(deps.policy.gridTypes.types).join('、')}）` });
    else gridTypeLimits.push([name, o]);
    problems.push(...overrideProblems(o, `gridTypeLimits.${type}`));
  }
  problems.push(...overrideProblems(body.limits, 'limits'));
  if (body.mapOpenCasesTo !== undefined) {
    const target = deps.categories.get(body.mapOpenCasesTo);
    if (body.enabled !== false) problems.push({ field: 'mapOpenCasesTo', message: '只有停用类别时才能把在办案件改到其他类别' });
    else if (body.mapOpenCasesTo === code) problems.push({ field: 'mapOpenCasesTo', message: '不能改到被停用的类别本身' });
    else if (!target) problems.push({ field: 'mapOpenCasesTo', message: `类别“${body.mapOpenCasesTo}”不存在` });
    else if (!target.enabled) problems.push({ field: 'mapOpenCasesTo', message: `类别“${target.name}”已停用，不能接收案件` });
  }
  if (problems.length) throw new AppError('category.invalid', `有 ${problems.length} 处错误，请修改后再保存`, { fields: problems });

  const at = deps.clock.now();
  const reason = body.reason.trim();
  const result = await deps.uow.run(async (tx) => {
    const latest = await tx.policy.lockLatest();
    if (!latest) throw new AppError('service.unavailable', '类别和时限数据尚未就绪，请稍后再试');
    const doc = structuredClone(latest.document);
    const before = doc.categories[code];
    if (!before) throw new AppError('category.not_found', '问题类别不存在', { categoryCode: code });
    const entry: CategoryEntry = {
      name: body.name?.trim() ?? before.name,
      department: body.department ?? before.department,
      hint: body.hint === undefined ? before.hint : body.hint?.trim() || null,
      enabled: body.enabled ?? before.enabled,
    };
    doc.categories[code] = entry;
    const limitsBefore = { own: doc.limits.byCategory[code] ?? null, byGridType: Object.fromEntries(Object.entries(doc.limits.byGridType).filter(([, m]) => m[code]).map(([t, m]) => [t, m[code]])) };
    if (body.limits !== undefined) {
      const own = cleanOverride(body.limits);
      if (own) doc.limits.byCategory[code] = own;
      else delete doc.limits.byCategory[code];
    }
    for (const [type, o] of gridTypeLimits) {
      const clean = cleanOverride(o);
      const forType = { ...doc.limits.byGridType[type] };
      if (clean) forType[code] = clean;
      else delete forType[code];
      if (Object.keys(forType).length) doc.limits.byGridType[type] = forType;
      else delete doc.limits.byGridType[type];
    }
    const limitsAfter = { own: doc.limits.byCategory[code] ?? null, byGridType: Object.fromEntries(Object.entries(doc.limits.byGridType).filter(([, m]) => m[code]).map(([t, m]) => [t, m[code]])) };
    const order = [
      ...orderProblems(effective(doc.limits, code, null), 'limits'),
      ...Object.keys(limitsAfter.byGridType).flatMap((t) => orderProblems(effective(doc.limits, code, t), `gridTypeLimits.${t}`)),
    ];
    if (order.length) throw new AppError('category.invalid', `有 ${order.length} 处时限顺序错误（应为 紧急 ≤ 简易 ≤ 复杂），请修改后再保存`, { fields: order });

    const fieldsChanged = (Object.keys(entry) as (keyof CategoryEntry)[]).filter((k) => entry[k] !== before[k]);
    const limitsChanged = !sameJson(limitsBefore, limitsAfter);
    let moved: OpenCaseRef[] = [];
    // Open cases block the disabling itself; a later edit of a disabled category moves only when asked to.
    if (!entry.enabled && (before.enabled || body.mapOpenCasesTo)) {
      const open = await tx.policy.openCases(code);
      if (open.length && !body.mapOpenCasesTo) {
        throw new AppError('category.has_open_cases', `该类别还有 ${open.length} 件在办案件，请指定改到哪个类别后再停用`, { categoryCode: code, openCases: open.length });
      }
      if (open.length && body.mapOpenCasesTo) {
        const target = doc.categories[body.mapOpenCasesTo];
        if (!target?.enabled) throw new AppError('category.invalid', '目标类别已停用，不能接收案件', { fields: [{ field: 'mapOpenCasesTo', message: '目标类别已停用，不能接收案件' }] });
        await tx.policy.moveCases(open.map((c) => c.id), body.mapOpenCasesTo, at);
        moved = open;
      }
    }
    if (!fieldsChanged.length && !limitsChanged && !moved.length) return { version: latest, changed: false, moved };

    const change: PolicyChange = {
      categoryCode: code,
      before: { ...Object.fromEntries(fieldsChanged.map((k) => [k, before[k]])), ...(limitsChanged ? { limits: limitsBefore } : {}) },
      after: { ...Object.fromEntries(fieldsChanged.map((k) => [k, entry[k]])), ...(limitsChanged ? { limits: limitsAfter } : {}) },
      ...(moved.length ? { movedCases: moved.length } : {}),
    };
    const version = { version: latest.version + 1, createdAt: at, createdBy: user.id, reason, document: doc, change };
    await tx.policy.insertVersion(version);
    if (fieldsChanged.length) await tx.policy.updateCategory(code, entry);
    const line = (action: string, entityType: string, entityId: string, b: unknown, a: unknown, orgNodeCode = user.orgNodeCode): AuditEntry => ({
      at, actorId: user.id, actorRole: 'admin', action, entityType, entityId, orgNodeCode, before: b, after: a, note: reason,
    });
    const lines: AuditEntry[] = [];
    if (fieldsChanged.length) lines.push(line('category.update', 'category', code, change.before, { ...Object.fromEntries(fieldsChanged.map((k) => [k, entry[k]])), version: version.version }));
    if (limitsChanged) lines.push(line('time_limits.update', 'category', code, limitsBefore, { ...limitsAfter, version: version.version }));
    for (const c of moved) {
      lines.push(line('category.map_open_cases', 'case', c.id, { caseNo: c.caseNo, categoryCode: code }, { caseNo: c.caseNo, categoryCode: body.mapOpenCasesTo, version: version.version }, c.districtCode));
    }
    await tx.audit.record(lines);
    return { version: { ...version, createdByName: user.name }, changed: true, moved };
  });
  if (result.changed) await deps.categories.reload();
  const live = deps.categories.get(code)!;
  return { version: presentVersion(result.version), category: presentCategory(deps, live, deps.categories.current().document.limits), changed: result.changed, movedCases: result.moved.length };
}
