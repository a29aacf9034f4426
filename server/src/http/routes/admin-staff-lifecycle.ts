import type Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../../composition.js';
import { formatBeijing } from '../../domain/shanghai-time.js';
import { deactivateStaff } from '../../usecases/admin/deactivate.js';
import { resendInvitation } from '../../usecases/admin/invitations.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { deactivateStaffBody } from '../schemas/queries.js';
import { parse } from '../validate.js';

const staffId = z.uuid('工作人员 ID 格式不正确');

/** Staff lifecycle for admins (issue 9): re-send an activation code, deactivate. */
export function adminStaffLifecycleRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'post', path: '/api/v1/admin/staff/:id/invite', tag: 'admin', auth: true,
    summary: 'Re-send the activation SMS: the old code is revoked, a new 6-digit code (valid 7 days, single use) is sent',
    responses: { 200: { description: '{expiresAt, expiresAtText, smsSent}', schema: js.obj({ expiresAt: js.str, expiresAtText: js.str, smsSent: js.bool }) }, 400: 'bad id', 401: 'not logged in', 403: 'not an admin over this person', 404: 'no such staff member', 409: 'already active or deactivated, or no mobile' },
  });
  router.post('/api/v1/admin/staff/:id/invite', requireUser(deps), async (ctx) => {
    const id = parse(staffId, ctx.params.id);
    const r = await resendInvitation(deps, currentUser(ctx), id);
    ctx.body = { expiresAt: r.expiresAt.toISOString(), expiresAtText: formatBeijing(r.expiresAt), smsSent: r.smsSent };
  });

  api.add({
    method: 'post', path: '/api/v1/admin/staff/:id/deactivate', tag: 'admin', auth: true, body: deactivateStaffBody,
    summary: "Deactivate a staff member: their tokens answer 401 at once; a grid left without an active inspector hands its open cases to the community",
    responses: { 200: { description: '{userId, deactivatedAt, handedOver, keptByGrid}', schema: js.obj({ userId: js.str, deactivatedAt: js.str, handedOver: js.int, keptByGrid: js.int }) }, 400: 'bad body', 401: 'not logged in', 403: 'not an admin over this person, or oneself', 404: 'no such staff member' },
  });
  router.post('/api/v1/admin/staff/:id/deactivate', requireUser(deps), jsonBody, async (ctx) => {
    const id = parse(staffId, ctx.params.id);
    const { reason } = parse(deactivateStaffBody, ctx.request.body ?? {});
    const r = await deactivateStaff(deps, currentUser(ctx), id, reason);
    ctx.body = { userId: r.userId, deactivatedAt: r.deactivatedAt.toISOString(), handedOver: r.handedOver, keptByGrid: r.keptByGrid };
  });
}
