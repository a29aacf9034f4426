import type { CaseState } from '@finecity/types';
import { OPEN_STATES } from '@finecity/types';

/**
 * Duplicate candidates: open cases of the same category within a distance and
 * a time window. The dispatcher decides; this only proposes.
 */
export interface DuplicateRules {
  distanceM: number;
  windowHours: number;
}

export interface DupCase {
  id: string;
  caseNo: string;
  categoryCode: string;
  lat: number;
  lng: number;
  createdAt: Date;
  state: CaseState;
}

/** The mean Earth radius (IUGG), in metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A lat/lng box that contains the search circle, for an index-friendly pre-filter in SQL. */
export function searchBox(p: { lat: number; lng: number }, radiusM: number) {
  // Same sphere as distanceM, plus 1 % slack, so the pre-filter never drops a point the circle holds.
  const metresPerDegree = (EARTH_RADIUS_M * Math.PI) / 180;
  const dLat = (radiusM * 1.01) / metresPerDegree;
  const dLng = (radiusM * 1.01) / (metresPerDegree * Math.max(0.01, Math.cos(rad(p.lat))));
  return { minLat: p.lat - dLat, maxLat: p.lat + dLat, minLng: p.lng - dLng, maxLng: p.lng + dLng };
}

export function windowStart(now: Date, rules: DuplicateRules): Date {
  return new Date(now.getTime() - rules.windowHours * 3600_000);
}

export function findDuplicates(
  report: { id?: string; categoryCode: string; lat: number; lng: number; createdAt: Date },
  candidates: readonly DupCase[],
  rules: DuplicateRules,
): { caseId: string; caseNo: string; distanceM: number }[] {
  const since = windowStart(report.createdAt, rules).getTime();
  return candidates
    .filter((c) => c.id !== report.id && c.categoryCode === report.categoryCode && OPEN_STATES.includes(c.state))
    .filter((c) => c.createdAt.getTime() >= since && c.createdAt.getTime() <= report.createdAt.getTime())
    .map((c) => ({ caseId: c.id, caseNo: c.caseNo, exact: distanceM(report, c) }))
    .filter((c) => c.exact <= rules.distanceM)
    .map(({ exact, ...c }) => ({ ...c, distanceM: Math.round(exact * 10) / 10 }))
    .sort((a, b) => a.distanceM - b.distanceM);
}
