import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { and, eq, inArray } from 'drizzle-orm';
import { booleanWithin, multiPolygon, polygon } from '@turf/turf';
import type { OrgImportResultDto, OrgTreeNodeDto } from '@finecity/types';
import { auditLog, cases, orgNodes } from '../../server/src/adapters/postgres/schema.js';
import { admins, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';
import { pgOrgDirectory } from '../../server/src/adapters/postgres/org-directory.js';
import { pgOrgGridStore } from '../../server/src/adapters/postgres/org-import-repository.js';
import { reloadableLocator } from '../../server/src/adapters/geo/reloadable-locator.js';
import { watchOrgTree } from '../../server/src/composition.js';
import { createLogger } from '../../server/src/logger.js';

// Grids as the city draws them (issue 9, item 5): a GeoJSON import of grid polygons, checked (codes, parents,
// rings, overlaps, district outlines, gaps) and applied without a restart: a report lands on a new grid at once.
type Ring = [number, number][];
let h: Harness;
let cityAdmin: Session;
let districtAdmin: Session;
let resident: Session;
let districtCode: string;
let community: { code: string; name: string };
let grid: { code: string; name: string; ring: Ring };
let siblings: string[];
let otherDistrictCommunity: string;

const post = (s: Session, body: unknown, q = '') => h.request.post(`/api/v1/admin/org/import${q}`).set(auth(s)).send(body as object);
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const feature = (code: string, ring: Ring, parentCode = community.code, extra: Record<string, unknown> = {}) => ({
  type: 'Feature', properties: { code, name: `测试网格${code.slice(-2)}`, parentCode, gridType: '居民区', ...extra }, geometry: { type: 'Polygon', coordinates: [ring] },
});
const box = (w: number, s: number, e: number, n: number): Ring => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const kinds = (r: OrgImportResultDto, severity?: 'error' | 'warning') => r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.kind);
const gridRow = async (code: string) => (await h.database.db.select().from(orgNodes).where(eq(orgNodes.code, code)))[0];

beforeAll(async () => {
  h = await startHarness();
  ({ cityAdmin, districtAdmin, districtCode } = await admins(h));
  resident = await as(h, pick(h, 'resident'));
  // A community of the district admin's district with several grids, all well inside the district outline.
  const db = h.database.db;
  const district = (await db.select().from(orgNodes).where(eq(orgNodes.code, districtCode)))[0]!;
  const outline = multiPolygon(district.boundary!);
  const all = await db.select().from(orgNodes).where(eq(orgNodes.level, 'grid'));
  const byCommunity = new Map<string, typeof all>();
  for (const g of all) if (g.path.startsWith(district.path)) byCommunity.set(g.parentCode!, [...(byCommunity.get(g.parentCode!) ?? []), g]);
  const [code, grids] = [...byCommunity].find(([, gs]) => gs.length >= 2 && gs.every((g) => booleanWithin(polygon([g.polygon!]), outline)))!;
  const c = (await db.select().from(orgNodes).where(eq(orgNodes.code, code)))[0]!;
  community = { code: c.code, name: c.name };
  const g0 = grids.sort((a, b) => a.code.localeCompare(b.code))[0]!;
  grid = { code: g0.code, name: g0.name, ring: g0.polygon! };
  siblings = grids.map((g) => g.code).filter((x) => x !== g0.code);
  otherDistrictCommunity = (await db.select().from(orgNodes).where(eq(orgNodes.level, 'community'))).find((n) => !n.path.startsWith(district.path))!.code;
});
afterAll(async () => {
  await h?.close();
});

/** The grid's square split west | east at its middle meridian. */
function halves(): { west: Ring; east: Ring; mid: number; s: number; n: number; w: number; e: number } {
  const xs = grid.ring.map((p) => p[0]);
  const ys = grid.ring.map((p) => p[1]);
  const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const mid = (w + e) / 2;
  return { west: box(w, s, mid, n), east: box(mid, s, e, n), mid, s, n, w, e };
}

describe('POST /api/v1/admin/org/import', () => {
  it('splits a grid in two: a dry run writes nothing, the import creates and updates, and a report lands on the new grid at once', async () => {
    const { west, east, mid, s, n, e } = halves();
    const newCode = `${community.code}0099`;
    const inEast = { lat: (s + n) / 2, lng: (mid + e) / 2 };
    const before = await reportOk(h, resident, { ...inEast, description: '拆分前的旧案件' });
    expect((await h.database.db.select({ g: cases.gridCode }).from(cases).where(eq(cases.id, before.id)))[0]!.g).toBe(grid.code);

    const payload = fc(feature(grid.code, west, community.code, { name: grid.name }), feature(newCode, east, community.code, { gridType: '商业区(公共区)' }));
    const dry = await post(districtAdmin, payload, '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ created: 1, updated: 1, unchanged: 0, committed: false, dryRun: true });
    expect(kinds(dry.body, 'error')).toEqual([]);
    expect(dry.body.findings).toEqual(expect.arrayContaining(siblings.map((code) => expect.objectContaining({ code, kind: 'grid.absent', severity: 'warning' }))));
    expect(await gridRow(newCode)).toBeUndefined();

    // Another process's tree (its own directory and locator on the same database), watching the tree's version.
    const otherOrg = await pgOrgDirectory(h.database.db);
    const otherLocator = await reloadableLocator(() => pgOrgGridStore(h.database.db).shapes({}));
    const otherWatch = watchOrgTree(h.database, async () => {
      await otherOrg.refresh();
      await otherLocator.reload();
    }, createLogger('silent'), 3_600_000);
    await otherWatch.check();

    const res = await post(districtAdmin, payload);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, updated: 1, unchanged: 0, committed: true, dryRun: false });

    // The other process has not reloaded yet; its next check (every minute by default) does.
    expect(otherOrg.get(newCode)).toBeUndefined();
    await otherWatch.check();
    otherWatch.stop();
    expect(otherOrg.get(newCode)).toMatchObject({ level: 'grid', parentCode: community.code });
    expect(otherLocator.locate(inEast.lat, inEast.lng)?.gridCode).toBe(newCode);
    expect(kinds(res.body, 'error')).toEqual([]);
    const created = await gridRow(newCode);
    expect(created).toMatchObject({ level: 'grid', parentCode: community.code, gridType: '商业区（公共区）', path: expect.stringContaining(`/${community.code}/${newCode}/`) });
    expect((await gridRow(grid.code))!.polygon).toEqual(west);
    for (const code of siblings) expect(await gridRow(code)).toBeDefined();

    // The locator was rebuilt: a new report in the east half is the new grid's; the old case keeps its grid.
    const after = await reportOk(h, resident, { ...inEast, description: '拆分后的新案件' });
    expect((await h.database.db.select({ g: cases.gridCode }).from(cases).where(eq(cases.id, after.id)))[0]!.g).toBe(newCode);
    expect((await h.database.db.select({ g: cases.gridCode }).from(cases).where(eq(cases.id, before.id)))[0]!.g).toBe(grid.code);

    // One audit line per written grid, with before and after.
    const lines = await h.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'org.import'), inArray(auditLog.entityId, [grid.code, newCode])));
    expect(lines).toHaveLength(2);
    const upd = lines.find((l) => l.entityId === grid.code)!;
    expect(upd.before).toMatchObject({ name: grid.name, geometry: { type: 'Polygon', coordinates: [grid.ring] } });
    expect(upd.after).toMatchObject({ gridType: '居民区', geometry: { type: 'Polygon', coordinates: [west] } });
    expect(lines.find((l) => l.entityId === newCode)!.before).toBeNull();

    // The same file again changes nothing; the org units and the admin tree show the type.
    const again = await post(districtAdmin, payload);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, committed: false });
    const tree = await h.request.get(`/api/v1/admin/org/tree?root=${community.code}&depth=1`).set(auth(districtAdmin));
    expect(tree.status).toBe(200);
    const node = (tree.body as OrgTreeNodeDto).children!.find((c) => c.code === newCode)!;
    expect(node).toMatchObject({ level: 'grid', gridType: '商业区（公共区）', geometry: { type: 'Polygon', coordinates: [east] }, hasChildren: false });
  });

  it('refuses overlaps with stored grids and writes nothing', async () => {
    const { w, e, s, n } = halves();
    const shift = (e - w) / 2;
    const code = `${community.code}0098`;
    const res = await post(cityAdmin, fc(feature(code, box(w + shift, s + (n - s) / 2, e + shift, n + (n - s) / 2))));
    expect(res.status).toBe(200);
    expect(res.body.committed).toBe(false);
    expect(res.body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code, kind: 'overlap', severity: 'error', detail: expect.objectContaining({ overlapM2: expect.any(Number) }) })]));
    expect(await gridRow(code)).toBeUndefined();
  });

  it('refuses overlaps inside the file', async () => {
    const { west } = halves();
    const res = await post(cityAdmin, fc(feature(grid.code, west), feature(`${community.code}0097`, west)), '?dryRun=true');
    expect(kinds(res.body, 'error')).toContain('overlap');
  });

  it('refuses a grid outside its district', async () => {
    // 金州区, outside the central districts' outlines.
    const code = `${community.code}0096`;
    const res = await post(cityAdmin, fc(feature(code, box(121.75, 39.10, 121.754, 39.103))));
    expect(res.body.committed).toBe(false);
    expect(res.body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code, kind: 'outside_district', severity: 'error' })]));
    expect(await gridRow(code)).toBeUndefined();
  });

  it('warns about a gap a shrunken grid leaves in its community', async () => {
    const { w, mid: e, s, n } = halves();
    const inset = (e - w) / 4;
    const res = await post(districtAdmin, fc(feature(grid.code, box(w + inset, s + inset, e - inset, n - inset))), '?dryRun=true');
    expect(res.status).toBe(200);
    expect(kinds(res.body, 'error')).toEqual([]);
    const gap = (res.body as OrgImportResultDto).findings.find((f) => f.kind === 'gap')!;
    expect(gap).toMatchObject({ code: community.code, severity: 'warning' });
    expect(gap.detail!.gapM2 as number).toBeGreaterThan(1000);
    expect(res.body).toMatchObject({ updated: 1, committed: false });
  });

  it('reports bad codes, unknown parents, wrong prefixes, types and self-intersecting rings', async () => {
    const { west } = halves();
    const bowtie = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'test/fixtures/grid-bowtie.geojson'), 'utf8')) as { features: unknown[] };
    const res = await post(cityAdmin, fc(
      feature('12345', west),
      feature(`${community.code}0095`, west, '99999999999'),
      feature('210299999990001', west),
      feature(`${community.code}0094`, west, community.code, { gridType: '公园' }),
      feature(`${community.code}0093`, [[121.63, 38.9], [121.64, 38.9], [121.64, 38.91], [121.63, 38.91]]),
      feature(`${community.code}0092`, box(2, 3, 4, 5)),
      ...bowtie.features,
    ));
    expect(res.status).toBe(200);
    expect(res.body.committed).toBe(false);
    expect(kinds(res.body, 'error')).toEqual(expect.arrayContaining([
      'code.format', 'parent.unknown', 'code.prefix', 'gridType.unknown', 'geometry.unclosed_ring', 'geometry.outside_dalian', 'geometry.self_intersection',
    ]));
    const bow = (res.body as OrgImportResultDto).findings.find((f) => f.code === '210202001019901')!;
    expect(bow.message).toContain('自相交');
  });

  it('keeps a district admin inside their district', async () => {
    const { west } = halves();
    const code = `${otherDistrictCommunity}0091`;
    const res = await post(districtAdmin, fc(feature(code, west, otherDistrictCommunity)));
    expect(res.status).toBe(200);
    expect(res.body.committed).toBe(false);
    expect(kinds(res.body, 'error')).toContain('scope.forbidden');
    expect(await gridRow(code)).toBeUndefined();
    const tree = await h.request.get(`/api/v1/admin/org/tree?root=${otherDistrictCommunity}`).set(auth(districtAdmin));
    expect(tree.status).toBe(403);
  });

  it('answers clear 4xx to what is not a GeoJSON FeatureCollection', async () => {
    const raw = await h.request.post('/api/v1/admin/org/import').set(auth(cityAdmin)).set('Content-Type', 'application/json').send('{"type": "FeatureCollection", ');
    expect(raw.status).toBe(400);
    expect(raw.body.error.code).toBe('request.malformed_json');
    const text = await h.request.post('/api/v1/admin/org/import').set(auth(cityAdmin)).set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
    const point = await post(cityAdmin, { type: 'Feature', geometry: { type: 'Point', coordinates: [121.6, 38.9] } });
    expect(point.status).toBe(422);
    expect(point.body.error.code).toBe('import.invalid_file');
    expect((await post(cityAdmin, fc())).status).toBe(422);
    const upload = await h.request.post('/api/v1/admin/org/import?dryRun=true').set(auth(cityAdmin)).attach('file', Buffer.from('not json'), { filename: 'grids.geojson', contentType: 'application/geo+json' });
    expect(upload.status).toBe(400);
    const big = await h.request.post('/api/v1/admin/org/import').set(auth(cityAdmin)).set('Content-Type', 'application/json').send(`{"x":"${'a'.repeat(21 * 1024 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect((await post(resident, fc())).status).toBe(403);
  });

  it('takes the file as a multipart upload too', async () => {
    const { west } = halves();
    const file = Buffer.from(JSON.stringify(fc(feature(grid.code, west, community.code, { name: grid.name }))));
    const res = await h.request.post('/api/v1/admin/org/import?dryRun=true').set(auth(districtAdmin)).attach('file', file, { filename: 'grids.geojson', contentType: 'application/geo+json' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unchanged: 1, committed: false, dryRun: true });
  });

  it('locates in a grid with a hole and in the grid drawn inside the hole', async () => {
    const sibling = (await gridRow(siblings[0]!))!;
    const xs = sibling.polygon!.map((p) => p[0]);
    const ys = sibling.polygon!.map((p) => p[1]);
    const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const [dx, dy] = [(e - w) / 4, (n - s) / 4];
    const hole = box(w + dx, s + dy, e - dx, n - dy);
    const inner = `${community.code}0090`;
    const ringed = { type: 'Feature', properties: { code: sibling.code, name: sibling.name, parentCode: community.code, gridType: '居民区' }, geometry: { type: 'MultiPolygon', coordinates: [[sibling.polygon!, [...hole].reverse()]] } };
    const res = await post(cityAdmin, fc(ringed, feature(inner, hole, community.code, { gridType: '工地' })));
    expect(res.body).toMatchObject({ created: 1, updated: 1, committed: true });
    expect(kinds(res.body)).not.toContain('gap');
    expect(await gridRow(sibling.code)).toMatchObject({ polygon: null, boundary: [[sibling.polygon!, [...hole].reverse()]] });
    const inHole = await reportOk(h, resident, { lat: (s + n) / 2, lng: (w + e) / 2, description: '洞里的工地' });
    const inRing = await reportOk(h, resident, { lat: s + dy / 2, lng: w + dx / 2, description: '环上的居民区' });
    const gridOf = async (id: string) => (await h.database.db.select({ g: cases.gridCode }).from(cases).where(eq(cases.id, id)))[0]!.g;
    expect(await gridOf(inHole.id)).toBe(inner);
    expect(await gridOf(inRing.id)).toBe(sibling.code);
    const tree = (await h.request.get(`/api/v1/admin/org/tree?root=${sibling.code}&depth=0`).set(auth(cityAdmin))).body as OrgTreeNodeDto;
    expect(tree.geometry).toEqual({ type: 'MultiPolygon', coordinates: [[sibling.polygon!, [...hole].reverse()]] });
  });
});

describe('GET /api/v1/admin/org/tree', () => {
  it('lists the admin\'s own unit and its units, grids with geometry', async () => {
    const res = await h.request.get('/api/v1/admin/org/tree').set(auth(districtAdmin));
    expect(res.status).toBe(200);
    const root = res.body as OrgTreeNodeDto;
    expect(root).toMatchObject({ code: districtCode, level: 'district', hasChildren: true });
    expect(root.children!.every((c) => c.level === 'street' && c.children === undefined)).toBe(true);
    expect((await h.request.get('/api/v1/admin/org/tree?depth=9').set(auth(districtAdmin))).status).toBe(400);
    expect((await h.request.get('/api/v1/admin/org/tree?root=nope').set(auth(districtAdmin))).status).toBe(422);
  });
});
