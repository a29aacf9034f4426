import type { AssessmentMapDto, MapFeatureProperties, OrgLevel } from '@finecity/types';
import type { StatsScope } from '../account-repositories.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { OrgNode } from '../repositories.js';
import { requireLeaderView } from './leader-scope.js';

/** The area level one below each area level: what the map shows inside a node. */
const LEVEL_BELOW: Partial<Record<OrgLevel, NonNullable<StatsScope['groupBy']>>> = {
  city: 'district',
  district: 'street',
  street: 'community',
  community: 'grid',
};

type Figures = { open: number; overdue: number };

/** What is open and overdue now per unit one level below `node` (or in the node itself, for a grid). */
async function figuresBelow(deps: Pick<Deps, 'stats' | 'clock'>, node: OrgNode, groupBy: StatsScope['groupBy']): Promise<{ byUnit: Map<string, Figures>; total: Figures }> {
  const now = deps.clock.now();
  const rows = await deps.stats.caseCounts({ path: node.path, by: 'location', groupBy }, { from: now, today: now, now });
  const byUnit = new Map<string, Figures>();
  const total = { open: 0, overdue: 0 };
  for (const r of rows) {
    total.open += r.open;
    total.overdue += r.overdue;
    if (r.unit) byUnit.set(r.unit, { open: r.open, overdue: r.overdue });
  }
  return { byUnit, total };
}

/**
 * The leader's map (issue 10, item 7): the area units directly below a node of the caller's area, as a
 * GeoJSON FeatureCollection (RFC 7946) drawn from the boundaries FineCity holds, each with what is open and
 * overdue in it now. A grid, having nothing below it, is drawn by itself. No tiles: it works offline.
 */
export async function assessmentMap(
  deps: Pick<Deps, 'org' | 'clock' | 'stats' | 'leader'>, user: CurrentUser, q: { orgNodeCode?: string },
): Promise<AssessmentMapDto> {
  const node = requireLeaderView(deps, user, q.orgNodeCode);
  const groupBy = LEVEL_BELOW[node.level] ?? null;
  const units = groupBy ? deps.org.children(node.code).filter((c) => c.level === groupBy) : node.level === 'grid' ? [node] : [];
  const [{ byUnit, total }, outlines] = await Promise.all([figuresBelow(deps, node, groupBy), deps.leader.shapes.outlines(units)]);
  const features: AssessmentMapDto['features'] = [];
  const unmapped: AssessmentMapDto['unmapped'] = [];
  for (const u of units) {
    const f = (groupBy ? byUnit.get(u.code) : total) ?? { open: 0, overdue: 0 };
    const props: MapFeatureProperties = {
      code: u.code, name: u.name, level: u.level, ...f,
      hasChildren: deps.org.children(u.code).some((c) => c.level === LEVEL_BELOW[u.level]),
    };
    const geometry = outlines.get(u.code);
    if (geometry) features.push({ type: 'Feature', id: u.code, geometry, properties: props });
    else unmapped.push({ code: u.code, name: u.name, level: u.level, open: f.open, overdue: f.overdue });
  }
  return {
    type: 'FeatureCollection',
    features,
    scope: { code: node.code, name: node.name, level: node.level, parentCode: node.parentCode, ...total },
    canGoUp: node.code !== user.orgNodeCode,
    unmapped,
    asOf: deps.clock.now().toISOString(),
  };
}
