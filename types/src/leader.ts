// The leaders' charts and map (issue 10, item 7): the trend of reported and closed cases, and the area map.
import type { OrgLevel } from './case.js';
import type { OrgRefDto } from './dto.js';

/** The periods the leaders' pages switch between: 月, 季, 年. */
export const TREND_PERIODS = ['month', 'quarter', 'year'] as const;
export type TrendPeriod = (typeof TREND_PERIODS)[number];

export interface AssessmentTrendQuery {
  period?: TrendPeriod;
  /** YYYY-MM, YYYY-Qn or YYYY; default: the period that contains today (Beijing). */
  at?: string;
  orgNodeCode?: string;
}

/** One bucket of the trend: a Beijing day (month, quarter) or a week starting Monday (year). */
export interface TrendPointDto {
  /** The bucket's first Beijing day, YYYY-MM-DD (a week that began before the period starts at the period). */
  date: string;
  /** As people read it: 11月3日. */
  label: string;
  reported: number;
  closed: number;
}

export interface AssessmentTrendDto {
  period: TrendPeriod;
  at: string;
  /** People-readable period, e.g. 2026年11月. */
  label: string;
  bucket: 'day' | 'week';
  scope: OrgRefDto;
  /** Every bucket from the period's start up to today (or the period's end), zeros included. */
  points: TrendPointDto[];
  totals: { reported: number; closed: number };
  asOf: string;
}

export interface AssessmentMapQuery {
  orgNodeCode?: string;
}

/** A region of the leader's map: an area unit with what is open and overdue in it now. */
export interface MapFeatureProperties {
  code: string;
  name: string;
  level: OrgLevel;
  open: number;
  overdue: number;
  /** It has units below it with shapes: clicking it drills down. */
  hasChildren: boolean;
}

/** RFC 7946 geometry of a region: WGS-84 [lng, lat], simplified for phones. */
export type MapGeometryDto = { type: 'Polygon'; coordinates: [number, number][][] } | { type: 'MultiPolygon'; coordinates: [number, number][][][] };

/**
 * GET /api/v1/assessment/map: the units directly below a node as a GeoJSON FeatureCollection (RFC 7946),
 * with foreign members naming the node and what could not be drawn (units with no stored shape).
 */
export interface AssessmentMapDto {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: string; geometry: MapGeometryDto; properties: MapFeatureProperties }[];
  scope: OrgRefDto & { parentCode: string | null; open: number; overdue: number };
  /** The caller may go up from here (the scope is below the caller's own node). */
  canGoUp: boolean;
  /** Units below with no shape on file: listed so their figures are not lost. */
  unmapped: Omit<MapFeatureProperties, 'hasChildren'>[];
  asOf: string;
}
