import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { listAudit } from '../../usecases/admin/staff-list.js';
import { currentUser, requireUser } from '../auth.js';
import type { ApiRegistry } from '../openapi.js';
import { auditListQuery } from '../schemas/admin.js';
import { parse } from '../validate.js';

/** The audit log for admins (issue 9): a city admin reads everything, a district admin their district. */
export function adminAuditRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'get', path: '/api/v1/admin/audit', tag: 'admin', auth: true, query: auditListQuery,
    summary: 'The audit log, newest first, filtered by actor, entity type/id and time (from/to: ISO instants or Beijing dates), within the admin\'s subtree',
    responses: { 200: 'AuditListDto', 400: 'bad query', 401: 'not logged in', 403: 'not an admin' },
  });
  router.get('/api/v1/admin/audit', requireUser(deps), async (ctx) => {
    const q = parse(auditListQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await listAudit(deps, currentUser(ctx), q);
  });
}
