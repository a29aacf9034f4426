import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type supertest from 'supertest';
import type { Response } from 'supertest';
import { CASE_ACTIONS, OPEN_STATES, type CaseAction, type CaseDto, type CaseState, type OrgRefDto, type Role, type SandboxAccount } from '@finecity/types';
import { TRANSITIONS, availableActions } from '../../server/src/domain/case-machine.js';
import type { CaseSnapshot } from '../../server/src/domain/case-model.js';
import { POLICY, type Permission, type Scope, type ScopeFacts } from '../../server/src/domain/authorization.js';
import { smallJpeg } from '../support/fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';
import { routerRoutes } from '../support/router-routes.js';
import { act, auth, getCase, pick, report, reportOk, type ReportOpts, type Session } from '../support/flows.js';

// Authorization is by role and by scope. Every expectation below is derived from POLICY
// (server/src/domain/authorization.ts) and the case machine, so changing either changes what is expected.

type Position = 'own' | 'sibling' | 'parent';
type Actor = 'registrar' | 'dispatcher' | 'holder' | 'verifier';
interface Caller extends Session {
  userId: string;
  position: Position;
  label: string;
}
interface Variant {
  name: string;
  /** How many PATH steps it takes before a case has this variant's shape. */
  shapedAfter: number;
  dispatchBody: () => Record<string, unknown>;
  actors: () => Record<Actor, Caller>;
}

/** How a case in grid G1 moves on, and who moves it; a self-loop step (a detour) is only taken when needed. */
const PATH: readonly { stage: string; state: CaseState; action: CaseAction; actor: Actor }[] = [
  { stage: 'registered', state: 'registered', action: 'register', actor: 'registrar' },
  { stage: 'dispatched', state: 'dispatched', action: 'dispatch', actor: 'dispatcher' },
  { stage: 'in_progress', state: 'in_progress', action: 'sign', actor: 'holder' },
  { stage: 'in_progress with an extension request', state: 'in_progress', action: 'request-extension', actor: 'holder' },
  { stage: 'handled', state: 'handled', action: 'handle', actor: 'holder' },
  { stage: 'closed', state: 'closed', action: 'verify', actor: 'verifier' },
];
/** A step that leaves the state as it was (it only changes what a guard looks at). */
const isDetour = (i: number) => PATH[i]!.state === (PATH[i - 1]?.state ?? 'submitted');
const STAGES = ['submitted', ...PATH.map((p) => p.stage)];
const DISPATCHED = PATH.findIndex((p) => p.action === 'dispatch') + 1;
const HELD_STAGES = STAGES.slice(DISPATCHED);
/** Actions on a case while a unit holds it and works on it (open states from dispatch on). */
const HELD_ACTIONS = CASE_ACTIONS.filter((a) => TRANSITIONS[a].from.some((st) => OPEN_STATES.includes(st) && PATH.slice(DISPATCHED - 1).some((p) => p.state === st)));
/** The category flows.ts reports under unless told otherwise. */
const REPORT_CATEGORY = '06010';

let h: Harness;
let photo: Buffer;
let before: Buffer;
let callers: Caller[];
let reps: Caller[];
let cityCode: string;
let deptCode: string;
let g1: SandboxAccount;
let r1: Caller;
let r2: Caller;
let survivor: CaseDto;
/** The seeded company's contract (issue 11): the grids its inspectors read, and whether they may verify today. */
let contractGrids = new Set<string>();
let contractVerifies = false;
const by = (where: (c: Caller) => boolean): Caller => {
  const c = callers.find(where);
  if (!c) throw new Error('no such sandbox caller');
  return c;
};
const staffOf = (role: Role, node: string) => by((c) => c.account.role === role && c.account.orgNodeCode === node);
const g1District = () => g1.orgNodeCode!.slice(0, 6);

const gridVariant: Variant = {
  name: 'in grid G1',
  shapedAfter: 0,
  dispatchBody: () => ({}),
  actors: () => ({
    registrar: staffOf('district', g1District()),
    dispatcher: staffOf('district', g1District()),
    holder: by((c) => c.account.code === g1.code),
    verifier: staffOf('community', g1.orgNodeCode!.slice(0, 11)),
  }),
};
const deptVariant: Variant = {
  name: 'in grid G1 held by a city department',
  shapedAfter: DISPATCHED,
  dispatchBody: () => ({ orgNodeCode: deptCode }),
  actors: () => ({
    registrar: staffOf('district', g1District()),
    dispatcher: staffOf('city', cityCode),
    holder: staffOf('department', deptCode),
    verifier: staffOf('city', cityCode),
  }),
};

/**
 * Dalian codes nest by prefix (district 6, street 9, community 11, grid 15); departments hang under the city,
 * a district's quick squad (QS-<district>) under its district, a street's (BM-<street>) under its street.
 */
function ancestry(node: Pick<OrgRefDto, 'code' | 'level'> | null): string[] {
  if (!node) return [];
  if (node.level === 'department' && node.code.startsWith('QS-')) return [cityCode, node.code.slice(3), node.code];
  if (node.level === 'department' && node.code.startsWith('BM-')) return [cityCode, node.code.slice(3, 9), node.code.slice(3), node.code];
  if (node.level === 'city' || node.level === 'department') return [...new Set([cityCode, node.code])];
  return [cityCode, ...[6, 9, 11, 15].filter((n) => n <= node.code.length).map((n) => node.code.slice(0, n))];
}
const locationOf = (c: CaseDto) => c.grid ?? c.community ?? c.street ?? c.district;
const g1Chain = () => ancestry({ code: g1.orgNodeCode!, level: 'grid' });

/** The scope facts of domain/authorization.ts, worked out from the case as the API shows it. All fixtures are R1's reports. */
function facts(a: SandboxAccount, c: CaseDto, reporter: SandboxAccount | null = r1.account): ScopeFacts {
  const node = a.orgNodeCode;
  const held = !!node && ancestry(c.responsible).includes(node);
  // A third-party inspector's company (the seed attaches the demo one): its contracted grids, and verify when the contract allows.
  const inContract = a.role === 'third_party' && !!c.grid && contractGrids.has(c.grid.code);
  return {
    isReporterOrFollower: a.code === reporter?.code, inArea: held || (!!node && ancestry(locationOf(c)).includes(node)), heldInArea: held,
    heldByOwnUnit: !!node && node === c.responsible?.code, inContract, contractVerifies: inContract && contractVerifies,
  };
}
function holds(scope: Scope | undefined, f: ScopeFacts): boolean {
  const by: Record<Scope, boolean> = {
    own: f.isReporterOrFollower, area: f.inArea, held: f.heldInArea, holder: f.heldByOwnUnit, contract: f.inContract === true, contract_verify: f.contractVerifies === true,
  };
  return scope !== undefined && by[scope];
}
const granted = (role: Role, p: Permission, f: ScopeFacts) => holds(POLICY[role][p], f);
/** A reporter always sees their own report, whatever their role (residents follow their reports). */
const readable = (role: Role, f: ScopeFacts) => granted(role, 'case.read', f) || f.isReporterOrFollower;

function expectedOutcome(a: SandboxAccount, action: CaseAction, c: CaseDto): string {
  const f = facts(a, c);
  if (!readable(a.role, f)) return 'not_found';
  return granted(a.role, action, f) ? 'allowed' : 'forbidden';
}
/**
 * What an action call amounted to. An applied action must be answered 200, whatever the caller sees next;
 * a guard's 409/422 is not counted as allowed: every permitted caller below gets a case the action fits.
 */
async function outcomeOf(res: Response, fresh?: CaseDto): Promise<string> {
  const code = res.body?.error?.code as string | undefined;
  if (res.status === 200) return 'allowed';
  const after = fresh && ((await getCase(h, r1, fresh.id)).body.case as CaseDto);
  if (after && after.version !== fresh.version) return `applied, but answered ${res.status} ${code}`;
  if (res.status === 404 && code === 'case.not_found') return 'not_found';
  if (res.status === 403 && code === 'auth.forbidden') return 'forbidden';
  return `${res.status} ${code}`;
}

function snapshotOf(c: CaseDto): CaseSnapshot {
  return {
    id: c.id, state: c.state, version: c.version, reporterId: null, categoryCode: c.category.code, complexity: c.complexity,
    responsibleCode: c.responsible?.code ?? null, pendingExtension: c.pendingExtension ? { ...c.pendingExtension, requestedBy: '' } : null,
    reworkCount: c.reworkCount, extendedHours: 0, ratingScore: c.rating?.score ?? null, closedAt: c.closedAt ? new Date(c.closedAt) : null,
  };
}
const machineAllows = (c: CaseDto) => availableActions(snapshotOf(c), h.clock.now());

function bodyFor(action: CaseAction): Record<string, unknown> {
  const bodies: Record<CaseAction, Record<string, unknown>> = {
    register: {}, reject: { note: '不属于城管受理范围' }, merge: { intoCaseId: survivor.id }, dispatch: {}, sign: {},
    return: { note: '不属于本单位' }, escalate: { note: '需要上级协调' }, handle: { note: '已清理完毕' },
    'request-extension': { hours: 24, note: '等待材料' }, 'decide-extension': { approved: true }, suspend: { note: '待资金到位' },
    verify: { passed: true }, reopen: { note: '问题又出现了' }, rate: { score: 5 },
    supervise: { note: '请加快处置，今日内反馈' },
  };
  return bodies[action];
}
async function send(s: Session, action: CaseAction, caseId: string, body = bodyFor(action)): Promise<Response> {
  if (action !== 'handle') return act(h, s, caseId, action, body);
  return h.request.post(`/api/v1/cases/${caseId}/actions/handle`).set(auth(s)).field('note', String(body.note)).attach('photos', photo, { filename: 'after.jpg', contentType: 'image/jpeg' });
}
async function step(v: Variant, i: number, c: CaseDto): Promise<CaseDto> {
  const p = PATH[i]!;
  const res = await send(v.actors()[p.actor], p.action, c.id, p.action === 'dispatch' ? v.dispatchBody() : bodyFor(p.action));
  if (res.status !== 200) throw new Error(`fixture step ${p.action} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.case as CaseDto;
}
const at = (a: SandboxAccount) => ({ lat: a.lat!, lng: a.lng!, photos: [before] });

/** A case reported by R1 in G1 and moved along PATH to `stage`. */
async function caseAt(v: Variant, stage: string, opts: Partial<ReportOpts> = {}): Promise<CaseDto> {
  const target = STAGES.indexOf(stage);
  let c = await reportOk(h, r1, { ...at(g1), ...opts });
  for (let i = 0; i < target; i++) if (i === target - 1 || !isDetour(i)) c = await step(v, i, c);
  return c;
}
/** Runs `fn` over `items`, at most `limit` at a time: fixtures are built side by side, not one row after another. */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}
const FIXTURE_CONCURRENCY = 6;

/**
 * One case per (variant, stage), built in beforeAll. Reading rows and refusals share it; a test that may
 * change it (an accepted action) takes it over through the pool. `current` hands out the shared case while
 * it is still as built, and builds a new one if something moved it on (say, a refusal that let the action through).
 */
const shared = new Map<string, CaseDto>();
/** Each (variant, stage)'s first case as it was built: what a case at that stage looks like to scope and machine. */
const asBuilt = new Map<string, CaseDto>();
const keyOf = (v: Variant, stage: string) => `${v.name}|${stage}`;
async function current(v: Variant, stage: string): Promise<CaseDto> {
  const c = shared.get(keyOf(v, stage));
  if (c && ((await getCase(h, r1, c.id)).body.case as CaseDto).version === c.version) return c;
  const fresh = await caseAt(v, stage);
  shared.set(keyOf(v, stage), fresh);
  return fresh;
}
/** The first stage of the variant where the machine accepts `action` (states and guards). */
function stageFor(v: Variant, action: CaseAction): string {
  const stage = STAGES.slice(v.shapedAfter).find((st) => machineAllows(asBuilt.get(keyOf(v, st))!).includes(action));
  if (!stage) throw new Error(`no stage of ${v.name} allows ${action}`);
  return stage;
}
/** Cases for tests that move them on, one per permitted caller, built ahead in the describe's beforeAll. */
const pool = new Map<string, CaseDto[]>();
async function stock(v: Variant, stage: string, n: number): Promise<void> {
  const have = pool.get(keyOf(v, stage)) ?? [];
  pool.set(keyOf(v, stage), have);
  // The shared case joins the stock when it is still as built (nothing may read it as shared any more).
  if (have.length < n && shared.has(keyOf(v, stage))) {
    have.push(await current(v, stage));
    shared.delete(keyOf(v, stage));
  }
  have.push(...(await inParallel(Array.from({ length: Math.max(0, n - have.length) }), FIXTURE_CONCURRENCY, () => caseAt(v, stage))));
}
/** A case of the pool at `stage`, or a fresh one when the pool ran dry (a row run alone with -t). */
async function take(v: Variant, stage: string): Promise<CaseDto> {
  return pool.get(keyOf(v, stage))?.pop() ?? caseAt(v, stage);
}

function positionOf(a: SandboxAccount): Position {
  if (a.role === 'resident') return a.code === r1.account.code ? 'own' : 'sibling';
  if (a.role === 'department') return a.orgNodeCode === deptCode ? 'own' : 'sibling';
  if (a.orgNodeCode === g1.orgNodeCode) return 'own';
  return g1Chain().includes(a.orgNodeCode!) ? 'parent' : 'sibling';
}
const sharedPrefix = (a: SandboxAccount) => {
  const code = a.orgNodeCode ?? '';
  let n = 0;
  while (n < code.length && code[n] === g1.orgNodeCode![n]) n++;
  return n;
};

beforeAll(async () => {
  h = await startHarness();
  photo = await smallJpeg({ color: '#22aa44' });
  before = await smallJpeg();
  g1 = pick(h, 'inspector', (a) => a.duty === 'A');
  cityCode = pick(h, 'city').orgNodeCode!;
  const company = (await h.deps.companies.list())[0]!;
  contractGrids = new Set(company.gridCodes);
  const today = h.clock.now().toISOString().slice(0, 10);
  contractVerifies = company.mayVerify && company.contractStart <= today && today <= company.contractEnd;
  // The city department that handles what the fixtures report.
  deptCode = h.deps.policy.categories.categories.find((c) => c.code === REPORT_CATEGORY)!.department!;
  callers = await Promise.all(h.accounts.map(async (account) => {
    const { token, user } = await h.login(account.code);
    return { token, account, userId: user.id, position: 'own' as Position, label: '' };
  }));
  const residents = callers.filter((c) => c.account.role === 'resident');
  [r1, r2] = [residents[0]!, residents[1]!];
  for (const c of callers) {
    c.position = positionOf(c.account);
    c.label = `${c.account.role}/${c.position} ${c.account.orgNodeCode ?? c.account.name}${c.account.duty ?? ''}`;
  }
  // One representative per (role, position), the nearest to G1: the sibling grid G2 before another district's.
  const nearestFirst = [...callers].sort((a, b) => sharedPrefix(b.account) - sharedPrefix(a.account));
  reps = nearestFirst.filter((c, i) => nearestFirst.findIndex((x) => x.account.role === c.account.role && x.position === c.position) === i);
  survivor = await reportOk(h, r1, at(g1));
  const stages = [...STAGES.map((st) => [gridVariant, st] as const), ...HELD_STAGES.map((st) => [deptVariant, st] as const)];
  await inParallel(stages, FIXTURE_CONCURRENCY, async ([v, st]) => {
    const c = await caseAt(v, st);
    shared.set(keyOf(v, st), c);
    asBuilt.set(keyOf(v, st), c);
  });
}, 300_000);
afterAll(async () => {
  await h?.close();
});

describe.each([
  { name: gridVariant.name, variant: gridVariant, stages: STAGES },
  { name: deptVariant.name, variant: deptVariant, stages: HELD_STAGES },
])('reading a case $name', ({ variant, stages }) => {
  it.each(stages)('GET /cases/:id at stage "%s": 200 with the allowedActions POLICY and the machine give the caller, else 404 (never 403)', async (stage) => {
    const c = await current(variant, stage);
    const expected: Record<string, unknown> = {};
    const actual: Record<string, unknown> = {};
    await Promise.all(reps.map(async (s) => {
      const f = facts(s.account, c);
      expected[s.label] = readable(s.account.role, f)
        ? { status: 200, allowedActions: machineAllows(c).filter((a) => granted(s.account.role, a, f)).sort() }
        : { status: 404, code: 'case.not_found' };
      const res = await getCase(h, s, c.id);
      actual[s.label] = res.status === 200 ? { status: 200, allowedActions: [...(res.body.case as CaseDto).allowedActions!].sort() } : { status: res.status, code: res.body.error?.code };
    }));
    expect(actual).toEqual(expected);
  });
});

// Written out rather than derived from POLICY: a district dispatcher was once offered 签收 (sign) on a case it
// had just dispatched to a grid, and POLICY itself said so. Only the people of the unit holding a task sign
// for it or handle it; a dispatcher above that unit reads the case (so the refusal is 403, not 404).
const HOLDER_ONLY = [
  ...(['community', 'street', 'district', 'city'] as const).map((role) => ({ variant: gridVariant, role })),
  { variant: deptVariant, role: 'city' as const },
].flatMap((row) => (['sign', 'handle'] as const).map((action) => ({ ...row, action, name: row.variant.name })));

describe('only the unit holding a case signs for it and handles it', () => {
  it.each(HOLDER_ONLY)('a $role dispatcher above the unit holding a case $name is neither offered nor allowed $action (403 auth.forbidden)', async ({ variant, role, action }) => {
    const c = await current(variant, stageFor(variant, action));
    const dispatcher = reps.find((s) => s.account.role === role && s.account.orgNodeCode !== c.responsible?.code && ancestry(c.responsible).includes(s.account.orgNodeCode!));
    if (!dispatcher) throw new Error(`no ${role} dispatcher above ${c.responsible?.code}`);
    const offered = async (s: Session) => ((await getCase(h, s, c.id)).body.case as CaseDto).allowedActions!.includes(action);
    // The action is open at this stage: the holder's own people are offered it.
    expect(await offered(variant.actors().holder)).toBe(true);
    const wasOffered = await offered(dispatcher);
    const res = await send(dispatcher, action, c.id);
    const version = ((await getCase(h, r1, c.id)).body.case as CaseDto).version;
    expect({ offered: wasOffered, answer: `${res.status} ${res.body.error?.code}`, applied: version !== c.version })
      .toEqual({ offered: false, answer: '403 auth.forbidden', applied: false });
  });
});

describe('the dispatcher who has just dispatched a case to a grid (issue 14, item 9)', () => {
  it('is offered neither sign nor handle, and is refused sign with 403 auth.forbidden; the grid\'s on-duty inspector signs', async () => {
    const dispatcher = gridVariant.actors().dispatcher;
    const registered = await caseAt(gridVariant, 'registered');
    const res = await send(dispatcher, 'dispatch', registered.id, {});
    const c = res.body.case as CaseDto;
    expect([res.status, c.state, c.responsible?.code]).toEqual([200, 'dispatched', g1.orgNodeCode]);
    expect(c.allowedActions).not.toContain('sign');
    expect(((await getCase(h, dispatcher, c.id)).body.case as CaseDto).allowedActions).toEqual(expect.not.arrayContaining(['sign', 'handle']));
    const refused = await send(dispatcher, 'sign', c.id);
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'auth.forbidden']);
    const signed = await send(gridVariant.actors().holder, 'sign', c.id);
    expect([signed.status, (signed.body.case as CaseDto).state, (signed.body.case as CaseDto).version]).toEqual([200, 'in_progress', c.version + 1]);
  });
});

describe.each([
  { name: gridVariant.name, variant: gridVariant, actions: CASE_ACTIONS },
  { name: deptVariant.name, variant: deptVariant, actions: HELD_ACTIONS },
])('acting on a case $name', ({ variant, actions }) => {
  /** The callers POLICY lets do `action` on a case at its stage: each gets a case of its own. */
  const permitted = (action: CaseAction) => reps.filter((s) => expectedOutcome(s.account, action, asBuilt.get(keyOf(variant, stageFor(variant, action)))!) === 'allowed');
  beforeAll(async () => {
    const need = new Map<string, number>();
    for (const action of actions) need.set(stageFor(variant, action), (need.get(stageFor(variant, action)) ?? 0) + Math.max(1, permitted(action).length));
    await inParallel([...need], 2, ([stage, n]) => stock(variant, stage, n));
  }, 300_000);

  it.each(actions)('POST %s: 404 case.not_found out of scope, 403 auth.forbidden in scope without the grant, accepted (200, or a guard\'s 409/422) with it', async (action) => {
    const stage = stageFor(variant, action);
    const targets = await Promise.all(Array.from({ length: Math.max(1, permitted(action).length) }, () => take(variant, stage)));
    const first = targets[0]!;
    const expected = Object.fromEntries(reps.map((s) => [s.label, expectedOutcome(s.account, action, first)]));
    const refused = reps.filter((s) => expected[s.label] !== 'allowed');
    const allowed = reps.filter((s) => expected[s.label] === 'allowed');
    // An accepted action moves the case on: the first caller who may act gets the case the others have
    // tried, every further one a case of the same shape.
    const actual: Record<string, string> = {};
    await Promise.all(refused.map(async (s) => {
      actual[s.label] = await outcomeOf(await send(s, action, first.id));
    }));
    const afterRefusals = ((await getCase(h, r1, first.id)).body.case as CaseDto).version;
    await Promise.all(allowed.map(async (s, i) => {
      const res = await send(s, action, targets[i]!.id);
      if (res.status === 200) {
        const done = res.body.case as CaseDto;
        expect([done.id, done.version, TRANSITIONS[action].to.includes(done.state), Array.isArray(done.allowedActions)]).toEqual([targets[i]!.id, targets[i]!.version + 1, true, true]);
      }
      actual[s.label] = await outcomeOf(res, targets[i]);
    }));
    expect(actual).toEqual(expected);
    expect(afterRefusals).toBe(first.version);
  });
});

const readableIds = (s: Caller, cs: CaseDto[]) => cs.filter((c) => readable(s.account.role, facts(s.account, c))).map((c) => c.caseNo).sort();
const listed = async (s: Caller, query: string) => ((await h.request.get(`/api/v1/cases?${query}`).set(auth(s))).body.items as CaseDto[]).map((c) => c.caseNo).sort();
const tasksOf = async (s: Caller) => (await h.request.get('/api/v1/tasks').set(auth(s))).body.items as CaseDto[];

describe('listing cases and tasks', () => {
  it('GET /cases lists a case iff the caller may read it, and an orgNodeCode filter never widens that', async () => {
    const marker = `LIST${Date.now()}`;
    // Visibility turns on location and holder: no holder yet, the grid or the department holding it, closed.
    const shapes = [[gridVariant, 'submitted'], [gridVariant, 'dispatched'], [gridVariant, 'closed'], [deptVariant, 'dispatched'], [deptVariant, 'closed']] as const;
    const cases = await Promise.all(shapes.map(([v, st]) => caseAt(v, st, { description: `${marker} 路边有暴露垃圾` })));
    // Every fixture lies in G1, so filtering by G1 must give each caller exactly what they may read, no more.
    const expected = Object.fromEntries(callers.map((s) => [s.label, { all: readableIds(s, cases), inG1: readableIds(s, cases) }]));
    const actual = Object.fromEntries(await Promise.all(callers.map(async (s) => [s.label, {
      all: await listed(s, `q=${marker}&pageSize=100`),
      inG1: await listed(s, `q=${marker}&orgNodeCode=${g1.orgNodeCode}&pageSize=100`),
    }] as const)));
    expect(actual).toEqual(expected);
  });

  it('GET /tasks never shows an inspector a case held by another grid', async () => {
    const g2 = by((c) => c.account.role === 'inspector' && c.position === 'sibling' && c.account.orgNodeCode!.startsWith(g1.orgNodeCode!.slice(0, 11)));
    const inG1 = await caseAt(gridVariant, 'dispatched');
    const district = staffOf('district', g2.account.orgNodeCode!.slice(0, 6));
    const reported = await reportOk(h, r1, at(g2.account));
    await send(district, 'register', reported.id);
    const inG2 = (await send(district, 'dispatch', reported.id)).body.case as CaseDto;
    expect(inG2.responsible?.code).toBe(g2.account.orgNodeCode);
    const inspectors = callers.filter((s) => s.account.role === 'inspector');
    const actual = Object.fromEntries(await Promise.all(inspectors.map(async (s) => {
      const items = await tasksOf(s);
      return [s.label, { heldElsewhere: items.filter((c) => c.responsible?.code !== s.account.orgNodeCode).map((c) => c.caseNo), ids: items.map((c) => c.id).filter((id) => id === inG1.id || id === inG2.id) }] as const;
    })));
    const expected = Object.fromEntries(inspectors.map((s) => [s.label, { heldElsewhere: [], ids: [inG1, inG2].filter((c) => c.responsible?.code === s.account.orgNodeCode).map((c) => c.id) }]));
    expect(actual).toEqual(expected);
  });

  it('GET /tasks lists only cases the caller may read, and shows a department what it holds', async () => {
    const held = await caseAt(deptVariant, 'dispatched');
    const tasks = new Map(await Promise.all(callers.map(async (s) => [s, await tasksOf(s)] as const)));
    // Tasks come from the caller's area or unit, never from having reported a case.
    const unreadable = (s: Caller) => tasks.get(s)!.filter((c) => !readable(s.account.role, facts(s.account, c, null))).map((c) => c.caseNo);
    expect(Object.fromEntries(callers.map((s) => [s.label, unreadable(s)]))).toEqual(Object.fromEntries(callers.map((s) => [s.label, []])));
    const depts = callers.filter((s) => s.account.role === 'department');
    expect(Object.fromEntries(depts.map((s) => [s.label, tasks.get(s)!.some((c) => c.id === held.id)])))
      .toEqual(Object.fromEntries(depts.map((s) => [s.label, s.account.orgNodeCode === held.responsible?.code])));
  });
});

describe('who may report', () => {
  it('POST /reports files a report for each role POLICY lets report and answers 403 auth.forbidden to the others', async () => {
    const oneOfEach = reps.filter((s, i) => reps.findIndex((x) => x.account.role === s.account.role) === i);
    const expected = Object.fromEntries(oneOfEach.map((s) => {
      const f = { isReporterOrFollower: true, inArea: g1Chain().includes(s.account.orgNodeCode ?? ''), heldInArea: false, heldByOwnUnit: false };
      return [s.account.role, granted(s.account.role, 'report.create', f) ? '201' : '403 auth.forbidden'];
    }));
    const actual = Object.fromEntries(await Promise.all(oneOfEach.map(async (s) => {
      const res = await report(h, s, at(g1));
      return [s.account.role, res.status === 201 ? '201' : `${res.status} ${res.body.error?.code}`] as const;
    })));
    expect(actual).toEqual(expected);
  });
});

describe('residents, departments and anonymity', () => {
  it('answers 404 to a resident for a case they did not report, and never lists it for them', async () => {
    const c = await caseAt(gridVariant, 'closed');
    expect((await getCase(h, r1, c.id)).status).toBe(200);
    const res = await getCase(h, r2, c.id);
    expect([res.status, res.body.error.code]).toEqual([404, 'case.not_found']);
    for (const action of ['rate', 'reopen'] as const) expect(await outcomeOf(await send(r2, action, c.id))).toBe('not_found');
    expect(await listed(r2, `q=${c.caseNo}`)).toEqual([]);
    expect(await listed(r2, `q=${c.caseNo}&mine=true`)).toEqual([]);
    expect(await listed(r1, `q=${c.caseNo}&mine=true`)).toEqual([c.caseNo]);
  });

  it('answers a case outside the caller\'s scope exactly like a case that does not exist', async () => {
    const c = await caseAt(gridVariant, 'dispatched');
    const sibling = by((s) => s.account.role === 'inspector' && s.position === 'sibling');
    const answers = async (id: string) => {
      const got = await getCase(h, sibling, id);
      const signed = await send(sibling, 'sign', id);
      return [got.status, got.body.error?.code, got.body.error?.message, signed.status, signed.body.error?.code, signed.body.error?.message];
    };
    expect(await answers(c.id)).toEqual(await answers(crypto.randomUUID()));
  });

  it('never names, among the duplicate candidates it shows, a case the caller cannot read', async () => {
    // A category of its own, so that the earlier report is the one candidate of the later one.
    const categoryCode = h.deps.policy.categories.categories.find((c) => c.common && !c.urgent && c.code !== REPORT_CATEGORY)!.code;
    const earlier = await reportOk(h, r1, { ...at(g1), categoryCode });
    const later = await caseAt(deptVariant, 'dispatched', { categoryCode });
    const candidates = async (s: Session) => ((await getCase(h, s, later.id)).body.case as CaseDto | undefined)?.duplicateCandidates?.map((d) => d.caseId) ?? [];
    expect(await candidates(deptVariant.actors().dispatcher)).toContain(earlier.id);
    const actual = Object.fromEntries(await Promise.all(reps.map(async (s) => {
      const named = (await candidates(s)).includes(earlier.id);
      return [s.label, named ? `named, and reading it answers ${(await getCase(h, s, earlier.id)).status}` : 'not named'] as const;
    })));
    const expected = Object.fromEntries(reps.map((s) => [s.label, actual[s.label] === 'not named' ? 'not named' : 'named, and reading it answers 200']));
    expect(actual).toEqual(expected);
  });

  it('shows a department only the case it holds, and hides it again once the department escalates it', async () => {
    const held = await caseAt(deptVariant, 'dispatched');
    const elsewhere = await caseAt(gridVariant, 'dispatched');
    const depts = callers.filter((s) => s.account.role === 'department');
    const status = (ok: boolean) => (ok ? 200 : 404);
    const view = async (c: CaseDto) => Object.fromEntries(await Promise.all(depts.map(async (s) => [s.label, [(await getCase(h, s, c.id)).status, await listed(s, `q=${c.caseNo}`)]] as const)));
    const expectedView = (c: CaseDto) => Object.fromEntries(depts.map((s) => [s.label, [status(readable(s.account.role, facts(s.account, c))), readableIds(s, [c])]]));
    expect(await view(held)).toEqual(expectedView(held));
    expect(await view(elsewhere)).toEqual(expectedView(elsewhere));
    await send(deptVariant.actors().holder, 'escalate', held.id, { note: '需要市级协调' });
    const escalated = (await getCase(h, r1, held.id)).body.case as CaseDto;
    expect(escalated.responsible?.code).toBe(cityCode);
    expect(await view(escalated)).toEqual(expectedView(escalated));
  });

  it('keeps an anonymous reporter anonymous to staff through the whole case, and shows the reporter their own identity', async () => {
    const c = await caseAt(gridVariant, 'closed', { anonymous: true });
    for (const action of ['rate', 'reopen'] as const) expect((await send(r1, action, c.id)).status).toBe(200);
    const staff = reps.filter((s) => s.account.orgNodeCode && readable(s.account.role, facts(s.account, c)));
    const seen = async (s: Session) => (await getCase(h, s, c.id)).body.case as CaseDto;
    const actual = Object.fromEntries(await Promise.all(staff.map(async (s) => {
      const view = await seen(s);
      const leaks = view.events!.filter((e) => e.actor.id === r1.userId || e.actor.name === r1.account.name).map((e) => e.action);
      return [s.label, { submittedBy: view.events!.find((e) => e.action === 'submit')!.actor, eventsNamingTheReporter: leaks }] as const;
    })));
    const anonymous = { submittedBy: { id: null, role: 'resident', name: '匿名' }, eventsNamingTheReporter: [] };
    expect(actual).toEqual(Object.fromEntries(staff.map((s) => [s.label, anonymous])));
    expect((await seen(r1)).events!.find((e) => e.action === 'submit')!.actor.id).toBe(r1.userId);
  });
});

describe('authentication', () => {
  const securedRoutes = async () => {
    const doc = (await h.request.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    return Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op.security?.length).map(([method]) => ({ method: method as 'get' | 'post', path: path.replace('{id}', crypto.randomUUID()) })));
  };
  const answers = async (authorization: string | null) => {
    const out: Record<string, string> = {};
    for (const r of await securedRoutes()) {
      const req = h.request[r.method](r.path);
      const res = await (authorization ? req.set('Authorization', authorization) : req);
      out[`${r.method} ${r.path}`] = `${res.status} ${res.body.error?.code}`;
    }
    return out;
  };

  it('answers 401 auth.required on every route that declares bearer auth when no bearer token is sent', async () => {
    const got = await answers(null);
    expect(Object.keys(got)).toEqual(expect.arrayContaining([expect.stringMatching(/^get \/api\/v1\/cases\//), expect.stringMatching(/^post \/api\/v1\/reports$/)]));
    expect(Object.values(got).filter((x) => x !== '401 auth.required')).toEqual([]);
    expect(Object.values(await answers(`Basic ${r1.token}`)).filter((x) => x !== '401 auth.required')).toEqual([]);
  });

  it('answers 401 auth.invalid_token on every such route for a garbage or a tampered bearer token', async () => {
    const [head, payload, sig] = r1.token.split('.');
    const tampered = `${head}.${payload}.${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`;
    for (const token of ['garbage', tampered]) {
      expect(Object.values(await answers(`Bearer ${token}`)).filter((x) => x !== '401 auth.invalid_token')).toEqual([]);
    }
  });
});

// ——— Every route of the router, and who may call it ———
//
// The route list is the router's own (the @koa/router instance createApp mounts), so a route added without
// a row here fails the first test below. A row either probes the route here, each role's caller against
// the rule written beside it (an allowed caller must get a 2xx with the answer's shape, everyone else the
// named refusal), or names the test file where its callers are proved, which must name the route's path.


interface Probe {
  /** Who may call: anyone without a login ('public'), or the sandbox callers the rule admits. */
  allowed: 'public' | ((a: SandboxAccount) => boolean);
  call: (s: Caller | null) => supertest.Test | Promise<Response>;
  /** What an allowed caller gets: a 2xx and the answer's shape (expect() inside). */
  ok: (res: Response, s: Caller | null) => void;
  /** What a caller the rule does not admit gets (role rows); a public row gives a bad credential instead. */
  refused?: { status: number; code: string };
  bad?: { call: () => supertest.Test | Promise<Response>; status: number; code?: string };
}
type Row = { probe: Probe } | { coveredBy: string };

const byFile = (file: string): Row => ({ coveredBy: file });
const THIS_FILE = 'test/api/authorization.test.ts';
const OA_GH = 'gh_finecity0001';
let oaNonce = 0;
function oaSigned() {
  const timestamp = String(Math.floor(h.clock.now().getTime() / 1000));
  const nonce = `${Date.now()}${++oaNonce}`;
  const signature = crypto.createHash('sha1').update([h.deps.config.officialAccount.token, timestamp, nonce].sort().join('')).digest('hex');
  return { signature, timestamp, nonce };
}
/** One of the survivor case's photos, as its reporter's view signs it. */
const photoOf = async () => ((await getCase(h, r1, survivor.id)).body.case as CaseDto).photos![0]!;
const tampered = (url: string) => url.replace(/sig=([^&])/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
const anyTemplate = 'sbx-sub-case-progress';

const PROBES: Record<string, Probe> = {
  'GET /api/v1/me': {
    allowed: () => true,
    call: (s) => h.request.get('/api/v1/me').set(auth(s!)),
    ok: (res, s) => expect([res.status, res.body.user.id, res.body.user.roles]).toEqual([200, s!.userId, expect.arrayContaining([s!.account.role])]),
  },
  // Staff look into their own unit and below (usecases/org-units.ts nodeInScope): anyone with a unit.
  'GET /api/v1/org/units': {
    allowed: (a) => !!a.orgNodeCode,
    refused: { status: 403, code: 'auth.forbidden' },
    call: (s) => h.request.get('/api/v1/org/units').set(auth(s!)),
    ok: (res, s) => {
      const node = s!.account.orgNodeCode!;
      expect(res.status).toBe(200);
      expect((res.body.items as OrgRefDto[]).map((u) => u.code).sort()).toEqual(h.deps.org.children(node).map((n) => n.code).sort());
      for (const u of res.body.items) expect(u).toMatchObject({ code: expect.any(String), name: expect.any(String), level: expect.any(String), parentCode: node, hasChildren: expect.any(Boolean) });
    },
  },
  // Area figures: a role that reads its area (POLICY case.read 'area') and has a unit.
  'GET /api/v1/stats/overview': {
    allowed: (a) => POLICY[a.role]['case.read'] === 'area' && !!a.orgNodeCode,
    refused: { status: 403, code: 'auth.forbidden' },
    call: (s) => h.request.get('/api/v1/stats/overview').set(auth(s!)),
    ok: (res, s) => {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ scope: { code: s!.account.orgNodeCode }, period: expect.any(String), from: expect.any(String), asOf: expect.any(String), today: { reported: expect.any(Number), closed: expect.any(Number) }, figures: expect.any(Object) });
      expect(Array.isArray(res.body.units)).toBe(true);
    },
  },
  // Residents have no staff account to bind to the official account.
  'POST /api/v1/me/official-account/bind-code': {
    allowed: (a) => a.role !== 'resident',
    refused: { status: 403, code: 'auth.forbidden' },
    call: (s) => h.request.post('/api/v1/me/official-account/bind-code').set(auth(s!)),
    ok: (res) => {
      expect([res.status, res.body.code, res.body.sendText]).toEqual([201, expect.stringMatching(/^\d{6}$/), `绑定 ${res.body.code}`]);
      expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(h.clock.now().getTime());
    },
  },
  'POST /api/v1/subscriptions': {
    allowed: () => true,
    call: (s) => h.request.post('/api/v1/subscriptions').set(auth(s!)).send({ results: { [anyTemplate]: 'accept' } }),
    ok: (res) => expect([res.status, res.body.credits[anyTemplate], typeof res.body.longTerm]).toEqual([200, expect.any(Number), 'object']),
  },
  'GET /api/v1/subscriptions/templates': {
    allowed: 'public',
    call: () => h.request.get('/api/v1/subscriptions/templates'),
    ok: (res) => {
      expect(res.status).toBe(200);
      expect(Object.values(res.body.templates)).toContain(anyTemplate);
      expect(typeof res.body.longTerm).toBe('object');
    },
  },
  // Photos are public behind the signature the case presenter put on their URL.
  'GET /api/v1/photos/:id': {
    allowed: 'public',
    call: async () => h.request.get((await photoOf()).url),
    ok: (res) => expect([res.status, res.headers['content-type'], res.body.length > 0]).toEqual([200, 'image/jpeg', true]),
    bad: { call: async () => h.request.get(tampered((await photoOf()).url)), status: 403, code: 'auth.forbidden' },
  },
  'GET /api/v1/photos/:id/thumb': {
    allowed: 'public',
    call: async () => h.request.get((await photoOf()).thumbUrl),
    ok: (res) => expect([res.status, res.headers['content-type'], res.body.length > 0]).toEqual([200, expect.stringMatching(/^image\/(webp|jpeg)$/), true]),
    bad: { call: async () => h.request.get(tampered((await photoOf()).thumbUrl)), status: 403, code: 'auth.forbidden' },
  },
  // The official account's push URL: public, behind WeChat's signature over the account's Token.
  'GET /wechat/official-account': {
    allowed: 'public',
    call: () => h.request.get('/wechat/official-account').query({ ...oaSigned(), echostr: 'echo-7781' }),
    ok: (res) => expect([res.status, res.text]).toEqual([200, 'echo-7781']),
    bad: { call: () => h.request.get('/wechat/official-account').query({ ...oaSigned(), signature: '0'.repeat(40), echostr: 'x' }), status: 403 },
  },
  'POST /wechat/official-account': {
    allowed: 'public',
    call: () => h.request.post('/wechat/official-account').query(oaSigned()).type('text/xml')
      .send(`<xml><ToUserName><![CDATA[${OA_GH}]]></ToUserName><FromUserName><![CDATA[oa-route-matrix]]></FromUserName><CreateTime>${Math.floor(h.clock.now().getTime() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>`),
    ok: (res) => {
      expect(res.status).toBe(200);
      expect(res.text === 'success' || res.text.startsWith('<xml>')).toBe(true);
    },
    bad: { call: () => h.request.post('/wechat/official-account').query({ ...oaSigned(), signature: '0'.repeat(40) }).type('text/xml').send('<xml></xml>'), status: 403 },
  },
  'GET /api/v1/sandbox/wecom-members': {
    allowed: 'public',
    call: () => h.request.get('/api/v1/sandbox/wecom-members'),
    ok: (res) => {
      expect(res.status).toBe(200);
      expect(res.body.members.length).toBeGreaterThan(0);
      for (const m of res.body.members) expect(m).toMatchObject({ userid: expect.any(String), name: expect.any(String) });
    },
  },
};

const FILES: Record<string, string[]> = {
  [THIS_FILE]: ['POST /api/v1/reports', 'GET /api/v1/cases', 'GET /api/v1/cases/:id', 'POST /api/v1/cases/:id/actions/:action', 'GET /api/v1/tasks'],
  'test/api/contract.test.ts': ['GET /healthz', 'GET /api/v1/openapi.json', 'POST /api/v1/auth/wechat', 'GET /api/v1/sandbox/accounts', 'GET /api/v1/categories'],
  'test/notifications/resilience.test.ts': ['GET /metrics', 'GET /readyz'],
  'test/api/hardening.test.ts': ['POST /api/v1/auth/logout', 'GET /api/v1/sandbox'],
  'test/api/wecom-login.test.ts': ['GET /api/v1/auth/options', 'POST /api/v1/auth/wecom'],
  'test/api/admin-calendar.test.ts': ['GET /api/v1/admin/calendar/:year', 'PUT /api/v1/admin/calendar/:year'],
  'test/api/admin-categories.test.ts': ['GET /api/v1/admin/categories', 'PUT /api/v1/admin/categories/:code', 'GET /api/v1/admin/time-limits/versions'],
  'test/api/channel-callbacks.test.ts': ['GET /api/v1/sandbox/messages', 'GET /api/v1/channels/callbacks', 'POST /api/v1/channels/callbacks/:id/retry'],
  'test/api/channel-intake.test.ts': ['POST /api/v1/channels/:channelId/tickets', 'GET /api/v1/cases/unlocated', 'POST /api/v1/cases/:id/locate'],
  'test/api/nearby.test.ts': ['GET /api/v1/cases/nearby', 'POST /api/v1/cases/:id/follow', 'GET /api/v1/map/place'],
  'test/api/privacy.test.ts': ['GET /api/v1/me/data', 'POST /api/v1/me/delete'],
  'test/api/tracking-links.test.ts': ['GET /api/v1/cases/:id/tracking-link', 'POST /api/v1/cases/:id/tracking-link/revoke', 'GET /t/:token', 'GET /api/v1/track/:token'],
  'test/api/public.test.ts': ['GET /public', 'GET /api/v1/public/cases', 'GET /api/v1/public/map', 'GET /api/v1/public/cases/:id', 'GET /api/v1/public/districts', 'POST /api/v1/cases/:id/photos/:photoId/publish'],
  'test/api/points.test.ts': ['GET /api/v1/me/points', 'POST /api/v1/me/points/listing', 'GET /api/v1/public/top-reporters'],
  'test/api/console-batch.test.ts': ['GET /api/v1/cases/queue-counts', 'POST /api/v1/cases/batch'],
  'test/api/case-comments.test.ts': ['POST /api/v1/cases/:id/comments', 'GET /api/v1/cases/:id/comments'],
  'test/api/supervision.test.ts': ['POST /api/v1/accountability', 'GET /api/v1/accountability'],
  'test/api/admin-staff.test.ts': ['POST /api/v1/admin/staff/import', 'GET /api/v1/admin/staff/template.xlsx', 'GET /api/v1/admin/staff', 'GET /api/v1/admin/staff/export.xlsx', 'GET /api/v1/admin/audit'],
  'test/api/admin-duty.test.ts': ['GET /api/v1/admin/duty', 'PUT /api/v1/admin/duty'],
  'test/api/admin-org-import.test.ts': ['POST /api/v1/admin/org/import', 'GET /api/v1/admin/org/tree'],
  'test/api/staff-activation.test.ts': ['POST /api/v1/admin/staff/:id/invite', 'POST /api/v1/admin/staff/:id/deactivate'],
  'test/api/assessment-leader.test.ts': ['GET /api/v1/assessment/trend', 'GET /api/v1/assessment/map'],
  'test/api/assessment-scorecards.test.ts': ['GET /api/v1/assessment/scorecards', 'GET /api/v1/assessment/scorecards.xlsx', 'POST /api/v1/assessment/publications', 'GET /api/v1/public/rankings'],
  'test/notifications/assessment-reports.test.ts': ['POST /api/v1/assessment/reports/:kind/send'],
  'test/api/companies.test.ts': [
    'POST /api/v1/admin/companies', 'GET /api/v1/admin/companies', 'GET /api/v1/admin/companies/:id', 'POST /api/v1/admin/companies/:id/staff', 'GET /api/v1/patrol/company',
    'GET /api/v1/companies/:id/coverage', 'GET /api/v1/companies/missed', 'GET /api/v1/companies/:id/month', 'POST /api/v1/companies/weekly/send',
  ],
  'test/api/inspector.test.ts': ['POST /api/v1/patrol/checkins', 'GET /api/v1/tasks/history', 'POST /api/v1/patrols', 'POST /api/v1/patrols/:id/stop', 'GET /api/v1/patrols/today'],
  'test/api/open311.test.ts': [
    ...['json', 'xml'].flatMap((f) => [`GET /open311/v2/discovery.${f}`, `GET /open311/v2/services.${f}`, `GET /open311/v2/services/:serviceCode.${f}`, `GET /open311/v2/requests.${f}`,
      `GET /open311/v2/requests/:serviceRequestId.${f}`, `GET /open311/v2/tokens/:token.${f}`, `POST /open311/v2/requests.${f}`]),
    'ALL /open311/v2/*rest', 'POST /api/v1/admin/open311-keys', 'GET /api/v1/admin/open311-keys', 'POST /api/v1/admin/open311-keys/:id/revoke',
  ],
  'test/api/call-centre.test.ts': ['POST /api/v1/hotline/cases', 'GET /api/v1/hotline/cases', 'GET /api/v1/places'],
  'test/api/map.test.ts': ['GET /api/v1/map/config', 'GET /api/v1/map/area', 'GET /sandbox/tiles/:z/:x/:y.png'],
};
const ROUTES: Record<string, Row> = {
  ...Object.fromEntries(Object.entries(PROBES).map(([k, probe]) => [k, { probe }])),
  ...Object.fromEntries(Object.entries(FILES).flatMap(([file, keys]) => keys.map((k) => [k, byFile(file)]))),
};
/** The path's literal words (parameters dropped): a file that proves the route must name each of them. */
const wordsOf = (path: string) => path.split('/').map((seg) => seg.replace(/^[:*][A-Za-z]+/, '')).filter(Boolean);

describe('every route of the router', () => {
  it('has exactly one row in this matrix: a route without one (or a row without a route) fails here', () => {
    const routes = routerRoutes(h);
    expect(routes.length).toBeGreaterThan(100);
    const keys = [...Object.keys(PROBES), ...Object.values(FILES).flat()];
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect({ withoutRow: routes.filter((r) => !(r in ROUTES)), withoutRoute: Object.keys(ROUTES).filter((k) => !routes.includes(k)) }).toEqual({ withoutRow: [], withoutRoute: [] });
  });

  it('names, for each route proved elsewhere, a test file that exists and names the route\'s path', () => {
    const text = new Map(Object.keys(FILES).map((f) => [f, fs.readFileSync(f, 'utf8')]));
    const missing = Object.entries(FILES).flatMap(([file, keys]) => keys.filter((k) => !wordsOf(k.split(' ')[1]!).every((w) => text.get(file)!.includes(w))).map((k) => `${k} in ${file}`));
    expect(missing).toEqual([]);
  });

  const roleProbes = Object.entries(PROBES).filter(([, p]) => p.allowed !== 'public');
  it.each(roleProbes)('%s: each role\'s caller gets a 2xx with the answer\'s shape when the rule admits it, else the refusal', async (_key, p) => {
    const oneOfEach = reps.filter((s, i) => reps.findIndex((x) => x.account.role === s.account.role) === i);
    const admits = p.allowed as (a: SandboxAccount) => boolean;
    const refusal = p.refused ? `${p.refused.status} ${p.refused.code}` : 'never refused';
    const answers = await Promise.all(oneOfEach.map(async (s) => [s, await p.call(s)] as const));
    const actual = Object.fromEntries(answers.map(([s, res]) => [s.account.role, res.status < 300 ? 'allowed' : `${res.status} ${res.body.error?.code}`]));
    expect(actual).toEqual(Object.fromEntries(oneOfEach.map((s) => [s.account.role, admits(s.account) ? 'allowed' : refusal])));
    for (const [s, res] of answers) if (admits(s.account)) p.ok(res, s);
    // Somebody is admitted and, where the rule refuses anyone, somebody is refused: the row proves both sides.
    expect(answers.some(([s]) => admits(s.account))).toBe(true);
    if (p.refused) expect(answers.some(([s]) => !admits(s.account))).toBe(true);
  });

  const publicProbes = Object.entries(PROBES).filter(([, p]) => p.allowed === 'public');
  it.each(publicProbes)('%s: answers without a login (2xx with the answer\'s shape), and refuses a bad signature', async (_key, p) => {
    p.ok(await p.call(null), null);
    if (p.bad) {
      const res = await p.bad.call();
      expect([res.status, ...(p.bad.code ? [res.body.error?.code] : [])]).toEqual([p.bad.status, ...(p.bad.code ? [p.bad.code] : [])]);
    }
  });
});
