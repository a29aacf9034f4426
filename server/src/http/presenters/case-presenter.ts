import type { CaseDto, CaseEventDto, CaseSource, CaseState, ClockLevel, Complexity, DeadlineDto, OrgLevel, PhotoDto, Role } from '@finecity/types';
import { UNCLASSIFIED_CATEGORY } from '@finecity/types';
import type { UrlSigner } from '../../usecases/service-ports.js';
import { dalianClock } from '../../usecases/access.js';
import type { CaseView } from '../../usecases/case-view.js';
import type { Deps } from '../../usecases/deps.js';
import type { CaseRecord as CaseRow, PhotoRecord as PhotoRow } from '../../usecases/repositories.js';

export interface PresentCtx {
  deps: Deps;
  signer: UrlSigner;
  now: Date;
}

export function presentPhoto(p: PhotoRow, c: PresentCtx, staff = false): PhotoDto {
  const dto: PhotoDto = { id: p.id, kind: p.kind, url: c.signer.photoUrl(p.id, 'full', c.now), thumbUrl: c.signer.photoUrl(p.id, 'thumb', c.now), width: p.width, height: p.height };
  return staff ? { ...dto, published: !!p.publishedAt } : dto;
}

function deadline(r: CaseRow, c: PresentCtx): DeadlineDto | null {
  const clock = dalianClock(r);
  if (!clock) return null;
  let level: ClockLevel;
  let used = 0;
  if (r.state === 'suspended') level = 'paused';
  else if (['closed', 'rejected', 'merged'].includes(r.state)) level = 'stopped';
  else ({ level, used } = c.deps.sla.status(clock, c.now));
  return {
    dueAt: clock.dueAt.toISOString(),
    nationalDueAt: r.nationalDueAt?.toISOString() ?? null,
    startedAt: clock.startedAt.toISOString(),
    calendar: clock.calendar,
    level,
    used: Math.round(used * 1000) / 1000,
    ...(r.arriveDueAt ? { arriveDueAt: r.arriveDueAt.toISOString(), arrivedAt: r.arrivedAt?.toISOString() ?? null } : {}),
  };
}

export function presentCaseSummary(r: CaseRow, c: PresentCtx): CaseDto {
  const ref = (code: string | null) => {
    const n = code ? c.deps.org.get(code) : undefined;
    return n ? { code: n.code, name: n.name, level: n.level as OrgLevel } : null;
  };
  const cat = c.deps.categories.get(r.categoryCode) ?? c.deps.policy.categories.categories.find((x) => x.code === r.categoryCode);
  return {
    id: r.id,
    caseNo: r.caseNo,
    state: r.state as CaseState,
    source: r.source as CaseSource,
    category: { code: r.categoryCode, name: cat?.name ?? (r.categoryCode === UNCLASSIFIED_CATEGORY.code ? UNCLASSIFIED_CATEGORY.name : r.categoryCode), standardRef: r.standardRef },
    description: r.description,
    anonymous: r.anonymous,
    location: { lat: r.lat, lng: r.lng, address: r.address },
    grid: ref(r.gridCode),
    community: ref(r.communityCode),
    street: ref(r.streetCode),
    district: ref(r.districtCode),
    responsible: ref(r.responsibleCode),
    complexity: r.complexity as Complexity | null,
    deadline: deadline(r, c),
    pendingExtension: r.pendingExtension ? { hours: r.pendingExtension.hours, reason: r.pendingExtension.reason } : null,
    reworkCount: r.reworkCount,
    rating: r.ratingScore ? { score: r.ratingScore, comment: r.ratingComment } : null,
    mergedIntoId: r.mergedIntoId,
    moderation: r.moderation === 'review' ? 'review' : null,
    supervised: r.supervisedAt !== null && r.supervisedAt !== undefined,
    supervisionDueAt: r.supervisionDueAt?.toISOString() ?? null,
    locationPending: r.locationPending ?? false,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    version: r.version,
  };
}

export function presentCase(v: CaseView, c: PresentCtx): CaseDto {
  const photosBySeq = new Map<number, PhotoDto[]>();
  for (const p of v.photos) photosBySeq.set(p.eventSeq, [...(photosBySeq.get(p.eventSeq) ?? []), presentPhoto(p, c)]);
  return {
    ...presentCaseSummary(v.row, c),
    duplicateCandidates: v.viewerIsStaff ? v.duplicates : undefined,
    photos: v.photos.map((p) => presentPhoto(p, c, v.viewerIsStaff)),
    ...(v.canPublishPhotos ? { canPublishPhotos: true } : {}),
    events: v.events.map((e) => presentEvent(e, v, photosBySeq.get(e.seq) ?? [])),
    allowedActions: v.allowedActions,
  };
}

function presentEvent(e: CaseView['events'][number], v: CaseView, photos: PhotoDto[]): CaseEventDto {
  // An anonymous reporter stays anonymous to staff in every event (submit, rate, reopen …);
  // residents see units and roles, not staff names.
  const byReporter = e.actorId !== null && e.actorId === v.row.reporterId;
  // A third-party company sees no reporter's identity and no resident's name (issue 11), only their role.
  const hideReporter = !v.viewerIsReporter && ((v.row.anonymous && byReporter) || (v.hideReporters === true && (byReporter || e.actorRole === 'resident')));
  const showName = !hideReporter && (v.viewerIsStaff || e.actorId === v.row.reporterId);
  return {
    seq: e.seq,
    action: e.action as CaseEventDto['action'],
    fromState: e.fromState as CaseState | null,
    toState: e.toState as CaseState,
    actor: { id: hideReporter ? null : e.actorId, role: e.actorRole as Role, ...(showName && e.actorName ? { name: e.actorName } : hideReporter ? { name: '匿名' } : {}) },
    at: e.at.toISOString(),
    note: e.note,
    photos,
    data: publicData(e.data),
  };
}

function publicData(d: Record<string, unknown>): Record<string, unknown> {
  const { photoIds: _photoIds, ...rest } = d;
  return rest;
}
