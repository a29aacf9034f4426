import { buildLocator, pointInPolygon, type LngLat, type Location, type Locator, type OrgLevel, type OrgNodeSeed } from '../../domain/locate.js';
import type { GeoNodeRow, Shape } from '../../usecases/admin/org-import.js';

const AREA_LEVELS = new Set<string>(['city', 'district', 'street', 'community', 'grid']);

interface ComplexGrid {
  parts: Shape;
  box: [number, number, number, number];
  location: Location;
}

function locationOf(code: string, byCode: ReadonlyMap<string, GeoNodeRow>): Location | null {
  const found: Partial<Record<OrgLevel, string>> = {};
  let node = byCode.get(code);
  for (let hops = 0; node && hops < 8; hops++) {
    found[node.level as OrgLevel] ??= node.code;
    node = node.parentCode === null ? undefined : byCode.get(node.parentCode);
  }
  if (!found.district) return null;
  return { gridCode: code, communityCode: found.community ?? null, streetCode: found.street ?? null, districtCode: found.district };
}

/**
 * The point → grid locator over the stored tree, rebuilt on `reload()` (after a grid import) without a
 * restart: requests keep using the old index until the new one is built, then switch at once.
 * Grids of one ring go to domain/locate.ts as they are; grids stored as a MultiPolygon (several parts or
 * holes) are tested first, part by part with even-odd over the part's rings, so a point in a hole falls
 * through to the grid drawn inside it.
 */
export function locatorFrom(rows: readonly GeoNodeRow[]): Locator {
  const areaRows = rows.filter((r) => AREA_LEVELS.has(r.level)).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const byCode = new Map(areaRows.map((r) => [r.code, r] as const));
  const seeds: OrgNodeSeed[] = areaRows.map((r) => ({
    code: r.code, parentCode: r.parentCode, level: r.level as OrgLevel, name: r.name,
    ...(r.level === 'grid' && r.polygon ? { polygon: r.polygon } : {}),
    ...(r.level === 'district' && r.boundary ? { boundary: r.boundary } : {}),
  }));
  const base = buildLocator(seeds);
  const complex: ComplexGrid[] = [];
  for (const r of areaRows) {
    if (r.level !== 'grid' || r.polygon || !r.boundary?.length) continue;
    const location = locationOf(r.code, byCode);
    if (!location) continue;
    const xs = r.boundary.flatMap((p) => p[0]!.map((q: LngLat) => q[0]));
    const ys = r.boundary.flatMap((p) => p[0]!.map((q: LngLat) => q[1]));
    complex.push({ parts: r.boundary, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], location });
  }
  return {
    locate(lat, lng) {
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
      for (const g of complex) {
        if (lng < g.box[0] || lng > g.box[2] || lat < g.box[1] || lat > g.box[3]) continue;
        if (g.parts.some((rings) => pointInPolygon(lng, lat, rings))) return { ...g.location };
      }
      return base.locate(lat, lng);
    },
  };
}

export async function reloadableLocator(load: () => Promise<GeoNodeRow[]>): Promise<Locator & { reload(): Promise<void> }> {
  let current = locatorFrom(await load());
  return {
    locate: (lat, lng) => current.locate(lat, lng),
    async reload() {
      current = locatorFrom(await load());
    },
  };
}
