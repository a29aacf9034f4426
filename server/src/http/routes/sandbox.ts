import type Router from '@koa/router';
import { eq, inArray } from 'drizzle-orm';
import type { Role, SandboxAccount } from '@finecity/types';
import { appMeta, orgNodes, users } from '../../adapters/postgres/schema.js';
import type { AppDeps } from '../../deps.js';
import type { ApiRegistry } from '../openapi.js';

/** Only mounted while the WeChat sandbox is on: how a newcomer (and the H5 demo picker) logs in. */
export function sandboxRoutes(router: Router, api: ApiRegistry, deps: AppDeps, sandboxBase: () => string): void {
  api.add({ method: 'get', path: '/api/v1/sandbox', summary: 'Where the sandbox WeChat/WeCom APIs listen (sandbox only)', tag: 'sandbox', auth: false, responses: { 200: '{wechatApiBase, wecomApiBase}' } });
  router.get('/api/v1/sandbox', (ctx) => {
    ctx.body = { wechatApiBase: sandboxBase(), wecomApiBase: sandboxBase() };
  });
  api.add({
    method: 'get', path: '/api/v1/sandbox/accounts', tag: 'sandbox', auth: false,
    summary: 'Seeded demo accounts, one or more per role and level; log in with their code (sandbox only)',
    responses: { 200: '{accounts:[{code,openid,role,orgNodeCode,name,duty?,lat?,lng?}]}' },
  });
  router.get('/api/v1/sandbox/accounts', async (ctx) => {
    ctx.body = { accounts: await demoAccounts(deps) };
  });
}

async function demoAccounts(deps: AppDeps): Promise<SandboxAccount[]> {
  const meta = await deps.db.select().from(appMeta).where(eq(appMeta.key, 'demoAccounts'));
  const openids = (meta[0]?.value as string[] | undefined) ?? [];
  if (!openids.length) return [];
  const rows = await deps.db
    .select({ u: users, lat: orgNodes.centroidLat, lng: orgNodes.centroidLng })
    .from(users)
    .leftJoin(orgNodes, eq(orgNodes.code, users.orgNodeCode))
    .where(inArray(users.openid, openids));
  const order = new Map(openids.map((o, i) => [o, i]));
  return rows
    .sort((a, b) => (order.get(a.u.openid!) ?? 0) - (order.get(b.u.openid!) ?? 0))
    .map(({ u, lat, lng }) => ({
      code: `sandbox:${u.openid}`,
      openid: u.openid!,
      role: u.roles[0] as Role,
      orgNodeCode: u.orgNodeCode,
      name: u.name,
      ...(u.dutySlot ? { duty: u.dutySlot as 'A' | 'B' } : {}),
      ...(u.dutySlot && lat !== null && lng !== null ? { lat, lng } : {}),
    }));
}
