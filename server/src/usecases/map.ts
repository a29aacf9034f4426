import type { MapAreaDto, MapAreaOutlineDto, MapConfigDto, MapDatum, OrgLevel, PinPlaceDto } from '@finecity/types';
import { AppError } from '../domain/errors.js';
import type { OrgGeo, Shape } from './admin/org-import.js';
import type { CurrentUser, Deps } from './deps.js';
import type { OrgNode } from './repositories.js';

/** The map settings of the environment (config.ts `map`). */
export interface MapSettings {
  tileUrl: string | null;
  tileKey: string | null;
  datum: MapDatum;
  subdomains: readonly string[];
  attribution: string | null;
  maxZoom: number | null;
}

/** Where the sandbox serves its offline outline tiles (same origin as the H5 build). */
export const SANDBOX_TILE_URL = '/sandbox/tiles/{z}/{x}/{y}.png';

/**
 * The H5 map's base layer, as the browser may see it: the template with the browser key filled in (a tile
 * key such as 天地图's tk is a browser key by design: it travels in every tile URL; restrict it by domain at
 * the provider). Nothing else of the environment is sent.
 */
export function mapConfig(s: MapSettings): MapConfigDto {
  if (!s.tileUrl) {
    return {
      tileUrl: SANDBOX_TILE_URL,
      subdomains: [],
      attribution: 'FineCity 沙箱离线底图（仅供演示和测试）',
      datum: 'wgs84',
      minZoom: 3,
      maxZoom: s.maxZoom ?? 18,
      sandbox: true,
    };
  }
  return {
    tileUrl: s.tileKey ? s.tileUrl.split('{k}').join(encodeURIComponent(s.tileKey)) : s.tileUrl,
    subdomains: [...s.subdomains],
    attribution: s.attribution ?? '',
    datum: s.datum,
    minZoom: 3,
    maxZoom: s.maxZoom ?? 18,
    sandbox: false,
  };
}

/** An outline the sandbox tiles draw: districts as stored, streets and communities as the union of their grids. */
export interface TileOutline {
  level: Extract<OrgLevel, 'district' | 'street' | 'community' | 'grid'>;
  shape: Shape;
}

/**
 * Every outline of the stored tree for the sandbox's tiles. Streets and communities have no stored shape of
 * their own (config/org-tree.json stores districts and grids): they are the union of their grids.
 */
export async function tileOutlines(geo: Pick<OrgGeo, 'store' | 'geometry'>): Promise<TileOutline[]> {
  const rows = await geo.store.shapes({ levels: ['district', 'street', 'community', 'grid'] });
  const shapeOf = (r: (typeof rows)[number]): Shape | null => (r.boundary?.length ? r.boundary : r.polygon && r.polygon.length >= 4 ? [[r.polygon]] : null);
  const out: TileOutline[] = [];
  const own = new Map<string, Shape>();
  for (const r of rows) {
    const s = shapeOf(r);
    if (!s) continue;
    own.set(r.code, s);
    if (r.level === 'district' || r.level === 'grid') out.push({ level: r.level, shape: s });
  }
  const children = new Map<string, string[]>();
  for (const r of rows) if (r.parentCode) children.set(r.parentCode, [...(children.get(r.parentCode) ?? []), r.code]);
  const union = (codes: string[]): Shape | null => {
    const parts = codes.map((c) => own.get(c)).filter((s): s is Shape => !!s);
    if (!parts.length) return null;
    try {
      return parts.length === 1 ? parts[0]! : geo.geometry.union(parts);
    } catch {
      return null;
    }
  };
  // Communities first (the union of their grids), then streets (the union of their communities).
  for (const level of ['community', 'street'] as const) {
    for (const r of rows) {
      if (r.level !== level || own.has(r.code)) continue;
      const s = union(children.get(r.code) ?? []);
      if (!s) continue;
      own.set(r.code, s);
      out.push({ level, shape: s });
    }
  }
  for (const r of rows) if ((r.level === 'street' || r.level === 'community') && shapeOf(r)) out.push({ level: r.level as 'street' | 'community', shape: shapeOf(r)! });
  return out;
}

const AREA_LEVELS = new Set<OrgLevel>(['district', 'street', 'community', 'grid']);

/**
 * The outlines of the caller's area for a staff map: their own unit (a grid, community, street or district)
 * and the area units directly below it (a city-level caller: the districts). Squads and departments have no
 * outline. A caller with no unit (a resident) has no area: 403.
 */
export async function mapArea(deps: Pick<Deps, 'org' | 'leader'>, user: CurrentUser): Promise<MapAreaDto> {
  const own = user.orgNodeCode ? deps.org.get(user.orgNodeCode) : undefined;
  if (!own || user.roles.every((r) => r === 'resident')) throw new AppError('auth.forbidden', '当前账号没有所属辖区，无法显示辖区地图');
  const below = deps.org.children(own.code).filter((n) => AREA_LEVELS.has(n.level));
  const units: OrgNode[] = [...(AREA_LEVELS.has(own.level) ? [own] : []), ...below];
  const shapes = await deps.leader.shapes.outlines(units);
  return {
    outlines: units.flatMap((u) => {
      const geometry = shapes.get(u.code);
      return geometry ? [{ code: u.code, name: u.name, level: u.level as MapAreaOutlineDto['level'], geometry, own: u.code === own.code }] : [];
    }),
  };
}

/**
 * The place under the resident's pin (issue 13, item 1): district · street · community · grid from the grid
 * locator, the same lookup a report there goes through, so a point the picker accepts is one the report accepts
 * (and a refused one gets the report's own message).
 */
export function pinPlace(deps: Pick<Deps, 'locator' | 'org'>, lat: number, lng: number): PinPlaceDto {
  const where = deps.locator.locate(lat, lng);
  if (!where) throw new AppError('location.outside_service_area', '该位置不在大连市服务范围内', { lat, lng });
  if (!where.gridCode) throw new AppError('location.outside_service_area', '该位置尚未划入网格', { lat, lng });
  const name = (code: string | null) => (code ? deps.org.get(code)?.name ?? null : null);
  const place = {
    districtName: name(where.districtCode) ?? '大连市',
    streetName: name(where.streetCode),
    communityName: name(where.communityCode),
    gridName: name(where.gridCode),
  };
  const label = [place.districtName, place.streetName, place.communityName, place.gridName].filter(Boolean).join(' · ');
  return { ...place, label };
}
