import type { OrgImportFinding, OrgImportOptions, OrgImportResultDto, OrgLevel } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { OrgNode } from '../repositories.js';
import type { AuditEntry } from './audit.js';
import { requireAdmin } from './admin-scope.js';

/**
 * Grids as the city draws them (issue 9, item 5): a GeoJSON FeatureCollection (RFC 7946) of grid polygons
 * with properties code, name, parentCode, gridType is checked as a whole and, when no check fails,
 * written in one transaction: new grids are created, changed ones updated, none deleted (cases keep
 * their grid). The checks are in `validate` below; the geometry itself is the GridGeometry port's.
 */

export type LngLat = [number, number];
/** MultiPolygon coordinates (RFC 7946 §3.1.7): parts → rings (outer ring first, then holes) → positions. */
export type Shape = LngLat[][][];

/** An org node with its stored shape: a grid's `polygon` (one ring) or `boundary` (a MultiPolygon). */
export interface GeoNodeRow {
  code: string;
  parentCode: string | null;
  level: OrgLevel;
  name: string;
  path: string;
  gridType: string | null;
  polygon: LngLat[] | null;
  boundary: Shape | null;
}

export interface GridWrite {
  code: string;
  parentCode: string;
  name: string;
  path: string;
  gridType: string;
  /** A polygon of one ring is stored as the seed stores grids (`polygon`); anything else as a MultiPolygon (`boundary`). */
  polygon: LngLat[] | null;
  boundary: Shape | null;
  centroid: { lat: number; lng: number };
}

/** Grid shapes and their upsert (bound to a transaction in TxPorts, or to the database in OrgGeo). */
export interface OrgGridStore {
  /** Imports run one at a time (held until the transaction ends). */
  lock(): Promise<void>;
  /** Nodes with their shapes: by code, or every node of the given levels. */
  shapes(filter: { codes?: string[]; levels?: OrgLevel[]; underPath?: string }): Promise<GeoNodeRow[]>;
  upsertGrids(rows: GridWrite[]): Promise<void>;
}

export interface GeometryProblem {
  kind: 'geometry.invalid' | 'geometry.outside_dalian' | 'geometry.self_intersection' | 'geometry.unclosed_ring';
  message: string;
}

/** The geometry the checks need (areas in square metres on the WGS-84 ellipsoid's mean sphere). */
export interface GridGeometry {
  /** A GeoJSON Polygon or MultiPolygon → its shape, or what is wrong with it. */
  check(geometry: unknown): { shape: Shape } | { problems: GeometryProblem[] };
  area(shape: Shape): number;
  bbox(shape: Shape): [number, number, number, number];
  intersection(a: Shape, b: Shape): Shape | null;
  /** `a` minus `b`. */
  difference(a: Shape, b: Shape): Shape | null;
  /** The area of `shape` outside `outline` widened by `marginM` metres. */
  areaOutside(shape: Shape, outline: Shape, marginM: number): number;
  union(shapes: Shape[]): Shape | null;
  /** The holes of a shape, as polygons. */
  holes(shape: Shape): Shape | null;
  centroid(shape: Shape): { lat: number; lng: number };
}

/** Outside a transaction: shapes for the tree view, the geometry, and the point locator's rebuild. */
export interface OrgGeo {
  store: Pick<OrgGridStore, 'shapes'>;
  geometry: GridGeometry;
  /** Rebuilds the point → grid locator from the stored tree (after an import; no restart). */
  reloadLocator(): Promise<void>;
}

/**
 * Tolerances. Shared edges drawn twice are never exactly equal, so an overlap is an error only above
 * max(1 m², 0.1 % of the smaller grid's area). The stored district outlines are good to about ±100–200 m
 * (config/org-tree.json notes), so a grid is outside its district when more than max(10 m², 1 % of its
 * area) lies outside the outline widened by 200 m. A gap inside a community is reported above 1 m².
 */
export const ORG_IMPORT_TOLERANCES = { overlapM2: 1, overlapShare: 0.001, outlineMarginM: 200, outsideDistrictM2: 10, outsideDistrictShare: 0.01, gapM2: 1 } as const;
export const ORG_IMPORT_LIMITS = { maxBytes: 20 * 1024 * 1024, maxFeatures: 5000 } as const;

const GRID_CODE = /^\d{15}$/;
const round = (m2: number): number => Math.round(m2 * 10) / 10;

interface Parsed {
  index: number;
  key: string;
  code: string | null;
  name: string | null;
  community: OrgNode | null;
  gridType: string | null;
  shape: Shape | null;
  existing: OrgNode | undefined;
}

function readCollection(body: unknown): unknown[] {
  const fc = body as { type?: unknown; features?: unknown } | null;
  if (!fc || typeof fc !== 'object' || Array.isArray(fc) || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new AppError('import.invalid_file', '文件不是 GeoJSON 要素集合（需要 "type": "FeatureCollection" 和 features 数组）');
  }
  if (fc.features.length === 0) throw new AppError('import.invalid_file', '文件中没有网格');
  if (fc.features.length > ORG_IMPORT_LIMITS.maxFeatures) throw new AppError('import.too_many_rows', `一次最多导入 ${ORG_IMPORT_LIMITS.maxFeatures} 个网格，请分批导入`, { max: ORG_IMPORT_LIMITS.maxFeatures });
  return fc.features;
}

/** The policy's type name for a spelling (its own name or an alias), or null. */
function gridTypeOf(deps: Pick<Deps, 'policy'>, raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const t = raw.trim();
  for (const [name, def] of Object.entries(deps.policy.gridTypes.types)) if (name === t || def.aliases.includes(t)) return name;
  return null;
}

function districtOf(deps: Pick<Deps, 'org'>, node: OrgNode): OrgNode | undefined {
  let n: OrgNode | undefined = node;
  for (let hops = 0; n && hops < 8; hops++) {
    if (n.level === 'district') return n;
    n = n.parentCode ? deps.org.get(n.parentCode) : undefined;
  }
  return undefined;
}

const shapeOfRow = (r: Pick<GeoNodeRow, 'polygon' | 'boundary'>): Shape | null => (r.polygon && r.polygon.length >= 4 ? [[r.polygon]] : r.boundary);
const boxesMeet = (a: number[], b: number[]): boolean => a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;
const geoJson = (s: Shape | null) => (!s ? null : s.length === 1 ? { type: 'Polygon', coordinates: s[0] } : { type: 'MultiPolygon', coordinates: s });

/** Import (or with dryRun only check) a FeatureCollection of grids. Any error-level finding writes nothing. */
export async function importGrids(deps: Deps, user: CurrentUser, body: unknown, opts: OrgImportOptions): Promise<OrgImportResultDto> {
  const scope = requireAdmin(user);
  const features = readCollection(body);
  const findings: OrgImportFinding[] = [];
  const error = (code: string, kind: string, message: string, detail?: Record<string, unknown>) => findings.push({ code, kind, message, severity: 'error', ...(detail ? { detail } : {}) });
  const warn = (code: string, kind: string, message: string, detail?: Record<string, unknown>) => findings.push({ code, kind, message, severity: 'warning', ...(detail ? { detail } : {}) });
  const geo = deps.orgGeo.geometry;
  const types = Object.keys(deps.policy.gridTypes.types).join('、');

  const seen = new Set<string>();
  const parsed: Parsed[] = features.map((f, index) => {
    const feat = (f && typeof f === 'object' ? f : {}) as { type?: unknown; properties?: unknown; geometry?: unknown };
    const props = (feat.properties && typeof feat.properties === 'object' ? feat.properties : {}) as Record<string, unknown>;
    const rawCode = typeof props.code === 'string' ? props.code.trim() : typeof props.code === 'number' ? String(props.code) : '';
    const key = rawCode || `第${index + 1}个要素`;
    const p: Parsed = { index, key, code: null, name: null, community: null, gridType: null, shape: null, existing: undefined };
    if (feat.type !== 'Feature') error(key, 'feature.invalid', `第${index + 1}个要素不是 GeoJSON Feature`);
    if (!GRID_CODE.test(rawCode)) error(key, 'code.format', '网格编码应为 15 位数字（所属社区编码加网格序号）', { index });
    else if (seen.has(rawCode)) error(key, 'code.duplicate', '文件中网格编码重复');
    else {
      seen.add(rawCode);
      p.code = rawCode;
    }
    const name = typeof props.name === 'string' ? props.name.trim() : '';
    if (!name || name.length > 60) error(key, 'name.invalid', '网格名称不能为空，且不超过 60 个字');
    else p.name = name;
    const parentCode = typeof props.parentCode === 'string' ? props.parentCode.trim() : '';
    const parent = parentCode ? deps.org.get(parentCode) : undefined;
    if (!parent || parent.level !== 'community') error(key, 'parent.unknown', `所属社区编码 ${parentCode || '（空）'} 不是已有的社区`, { parentCode });
    else if (!parent.path.startsWith(scope.path)) error(key, 'scope.forbidden', '所属社区不在您的管理范围内', { parentCode });
    else {
      p.community = parent;
      if (p.code && !p.code.startsWith(parent.code)) error(key, 'code.prefix', `网格编码应以所属社区编码 ${parent.code} 开头`, { parentCode });
    }
    if (p.code) {
      p.existing = deps.org.get(p.code);
      if (p.existing && p.existing.level !== 'grid') error(key, 'code.taken', '该编码已是其他层级的单位');
      else if (p.existing && parent && p.existing.parentCode !== parent.code) error(key, 'parent.changed', `网格已属于社区 ${p.existing.parentCode}，不能改到其他社区（请用新编码）`, { parentCode: p.existing.parentCode });
    }
    p.gridType = gridTypeOf(deps, props.gridType);
    if (!p.gridType) error(key, 'gridType.unknown', `网格类型应为：${types}`, { gridType: props.gridType ?? null });
    const checked = geo.check(feat.geometry);
    if ('problems' in checked) for (const pr of checked.problems) error(key, pr.kind, pr.message);
    else p.shape = checked.shape;
    return p;
  });

  const outcome = await deps.uow.run(async (tx) => {
    if (!opts.dryRun) await tx.orgGrids.lock();
    const grids = await tx.orgGrids.shapes({ levels: ['grid'] });
    const imported = new Map(parsed.filter((p) => p.code).map((p) => [p.code!, p]));
    const communities = new Map(parsed.filter((p) => p.community).map((p) => [p.community!.code, p.community!]));
    // A pilot zone (先导区) has no outline of its own; its streets keep their host district's code prefix.
    const districtsOf = (c: OrgNode): OrgNode[] => [districtOf(deps, c), deps.org.get(c.code.slice(0, 6))].filter((d): d is OrgNode => d?.level === 'district');
    const districtCodes = [...new Set([...communities.values()].flatMap((c) => districtsOf(c).map((d) => d.code)))];
    const districts = new Map((await tx.orgGrids.shapes({ codes: districtCodes })).map((d) => [d.code, d]));

    // Inside its district.
    for (const p of parsed) {
      if (!p.shape || !p.community) continue;
      const district = districtsOf(p.community).find((d) => districts.get(d.code)?.boundary);
      const outline = district ? districts.get(district.code)?.boundary : null;
      if (!district || !outline) {
        warn(p.key, 'district.no_outline', '所属区没有边界数据，未检查网格是否在区内');
        continue;
      }
      const area = geo.area(p.shape);
      const outsideM2 = geo.areaOutside(p.shape, outline, ORG_IMPORT_TOLERANCES.outlineMarginM);
      if (outsideM2 > Math.max(ORG_IMPORT_TOLERANCES.outsideDistrictM2, ORG_IMPORT_TOLERANCES.outsideDistrictShare * area)) {
        error(p.key, 'outside_district', `网格有 ${round(outsideM2)} 平方米在${district.name}边界（含 ${ORG_IMPORT_TOLERANCES.outlineMarginM} 米容差）之外`, { districtCode: district.code, outsideM2: round(outsideM2) });
      }
    }

    // No overlaps: between imported grids, and with stored grids the import does not replace.
    const mine = parsed.filter((p): p is Parsed & { shape: Shape } => !!p.shape).map((p) => ({ key: p.key, label: p.name ?? p.key, shape: p.shape, box: geo.bbox(p.shape), area: geo.area(p.shape) }));
    const others = grids
      .filter((g) => !imported.has(g.code))
      .map((g) => ({ row: g, shape: shapeOfRow(g) }))
      .filter((g): g is { row: GeoNodeRow; shape: Shape } => !!g.shape)
      .map((g) => ({ key: g.row.code, label: g.row.name, row: g.row, shape: g.shape, box: geo.bbox(g.shape), area: geo.area(g.shape) }));
    mine.forEach((a, i) => {
      for (const b of [...mine.slice(i + 1), ...others]) {
        if (!boxesMeet(a.box, b.box)) continue;
        const both = geo.intersection(a.shape, b.shape);
        const m2 = both ? geo.area(both) : 0;
        if (m2 > Math.max(ORG_IMPORT_TOLERANCES.overlapM2, ORG_IMPORT_TOLERANCES.overlapShare * Math.min(a.area, b.area))) {
          error(a.key, 'overlap', `与网格“${b.label}”重叠 ${round(m2)} 平方米`, { with: b.key, overlapM2: round(m2) });
        }
      }
    });

    // Per community: grids left out of the import stay (warning), and area no grid covers any more (warning).
    for (const community of communities.values()) {
      const stored = grids.filter((g) => g.parentCode === community.code);
      for (const g of stored) if (!imported.has(g.code)) warn(g.code, 'grid.absent', `${g.name}不在导入文件中，已保留（网格不删除，历史案件仍归属该网格）`, { parentCode: community.code });
      const before = geo.union(stored.map(shapeOfRow).filter((s): s is Shape => !!s));
      const afterShapes = [
        ...parsed.filter((p) => p.community?.code === community.code && p.shape).map((p) => p.shape!),
        ...stored.filter((g) => !imported.has(g.code)).map(shapeOfRow).filter((s): s is Shape => !!s),
      ];
      const after = geo.union(afterShapes);
      if (!after) continue;
      const lost = before ? geo.difference(before, after) : null;
      let gap = geo.union([lost, geo.holes(after)].filter((s): s is Shape => !!s));
      if (gap) {
        const gapBox = geo.bbox(gap);
        const elsewhere = [...mine.filter((m) => imported.get(m.key)?.community?.code !== community.code), ...others.filter((o) => o.row.parentCode !== community.code)]
          .filter((o) => boxesMeet(o.box, gapBox))
          .map((o) => o.shape);
        const cover = geo.union(elsewhere);
        if (cover) gap = geo.difference(gap, cover);
      }
      const gapM2 = gap ? geo.area(gap) : 0;
      if (gapM2 > ORG_IMPORT_TOLERANCES.gapM2) warn(community.code, 'gap', `${community.name}有 ${round(gapM2)} 平方米不在任何网格内`, { gapM2: round(gapM2) });
    }

    // What would change.
    const storedByCode = new Map(grids.map((g) => [g.code, g]));
    const writes: { row: GridWrite; before: GeoNodeRow | undefined }[] = [];
    let unchanged = 0;
    for (const p of parsed) {
      if (!p.code || !p.name || !p.community || !p.gridType || !p.shape) continue;
      const simple = p.shape.length === 1 && p.shape[0]!.length === 1;
      const row: GridWrite = {
        code: p.code, parentCode: p.community.code, name: p.name, path: `${p.community.path}${p.code}/`, gridType: p.gridType,
        polygon: simple ? p.shape[0]![0]! : null, boundary: simple ? null : p.shape, centroid: geo.centroid(p.shape),
      };
      const old = storedByCode.get(p.code);
      const same = old && old.name === row.name && old.gridType === row.gridType && old.parentCode === row.parentCode
        && JSON.stringify(old.polygon ?? null) === JSON.stringify(row.polygon) && JSON.stringify(old.boundary ?? null) === JSON.stringify(row.boundary);
      if (same) unchanged++;
      else writes.push({ row, before: old });
    }
    const result = { created: writes.filter((w) => !w.before).length, updated: writes.filter((w) => w.before).length, unchanged, committed: false };
    if (opts.dryRun || findings.some((f) => f.severity === 'error') || writes.length === 0) return result;

    await tx.orgGrids.upsertGrids(writes.map((w) => w.row));
    const at = deps.clock.now();
    const audit: AuditEntry[] = writes.map(({ row, before }) => ({
      at, actorId: user.id, actorRole: 'admin', action: 'org.import', entityType: 'org_node', entityId: row.code, orgNodeCode: row.code,
      before: before ? { name: before.name, parentCode: before.parentCode, gridType: before.gridType, geometry: geoJson(shapeOfRow(before)) } : null,
      after: { name: row.name, parentCode: row.parentCode, gridType: row.gridType, geometry: geoJson(row.polygon ? [[row.polygon]] : row.boundary) },
    }));
    await tx.audit.record(audit);
    return { ...result, committed: true };
  });

  if (outcome.committed) {
    await deps.org.refresh();
    await deps.orgGeo.reloadLocator();
  }
  const order = { error: 0, warning: 1 } as const;
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return { ...outcome, dryRun: opts.dryRun, findings };
}
