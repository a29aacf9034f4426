import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { featureCollection, multiPolygon, simplify, truncate, union } from '@turf/turf';
import type { MapGeometryDto, OrgLevel } from '@finecity/types';
import type { GeoNodeRow, OrgGridStore } from '../../usecases/admin/org-import.js';
import type { MapShapes } from '../../usecases/assessment/leader-ports.js';
import type { OrgNode } from '../../usecases/repositories.js';

/**
 * Douglas–Peucker tolerance per level, in degrees (https://turfjs.org/docs/api/simplify): about 150 m for a
 * district, whose stored outline is only good to ±100–200 m anyway (config/org-tree.json notes), down to
 * about 5 m for a grid, so a phone gets a few hundred vertices per view instead of thousands.
 */
const TOLERANCE: Partial<Record<OrgLevel, number>> = { district: 0.0015, street: 0.0003, community: 0.0001, grid: 0.00005 };
/** Outlines change only with a grid import: kept for a while per unit so drilling back and forth is cheap. */
const CACHE_MS = 10 * 60_000;

type Feat = ReturnType<typeof multiPolygon>;
type Outline = Feature<Polygon | MultiPolygon>;

function ownShape(row: GeoNodeRow): Feat | null {
  if (row.boundary?.length) return multiPolygon(row.boundary);
  if (row.polygon && row.polygon.length >= 4) return multiPolygon([[row.polygon]]);
  return null;
}

/** The union of the grids below a unit (streets and communities have no stored outline of their own). */
function unionOf(parts: Feat[]): Outline | null {
  if (parts.length <= 1) return parts[0] ?? null;
  try {
    return union(featureCollection(parts));
  } catch {
    return null;
  }
}

function forPhone(f: Outline, level: OrgLevel): MapGeometryDto {
  const small = simplify(f, { tolerance: TOLERANCE[level] ?? 0.0001, highQuality: false, mutate: false });
  return truncate(small, { precision: 5, mutate: true }).geometry as MapGeometryDto;
}

/** The map's outlines from the stored shapes (org_nodes.boundary / polygon), with Turf. */
export function turfMapShapes(store: Pick<OrgGridStore, 'shapes'>, now: () => number = Date.now): MapShapes {
  const cache = new Map<string, { at: number; geometry: MapGeometryDto | null }>();
  async function compute(unit: OrgNode): Promise<MapGeometryDto | null> {
    const [own] = await store.shapes({ codes: [unit.code] });
    let shape: Outline | null = own ? ownShape(own) : null;
    if (!shape && unit.level !== 'grid') {
      const grids = await store.shapes({ levels: ['grid'], underPath: unit.path });
      shape = unionOf(grids.map(ownShape).filter((g): g is Feat => g !== null));
    }
    return shape ? forPhone(shape, unit.level) : null;
  }
  return {
    async outlines(units) {
      const out = new Map<string, MapGeometryDto>();
      for (const u of units) {
        let hit = cache.get(u.code);
        if (!hit || now() - hit.at > CACHE_MS) {
          hit = { at: now(), geometry: await compute(u) };
          cache.set(u.code, hit);
        }
        if (hit.geometry) out.set(u.code, hit.geometry);
      }
      return out;
    },
  };
}
