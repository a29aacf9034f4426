import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { resendReport } from '../../usecases/assessment/reports.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { reportKindParams, reportSendBody } from '../schemas/assessment-reports.js';
import { parse } from '../validate.js';

/** The scheduled group reports, re-sent by hand from the console (issue 10, item 3). */
export function assessmentReportRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'post', path: '/api/v1/assessment/reports/:kind/send', tag: 'assessment', auth: true, body: reportSendBody,
    summary: 'Re-send a report (kind: daily 日报告, weekly 周巡查, monthly 月评比, quarterly 季奖励, yearly 年排名) for the period `at` to the city and district groups: text, chart image and XLSX. Posts again on purpose (a new key each time); never publishes. City platform or city admin only',
    responses: {
      202: { description: '{kind, at, label, groups}', schema: js.obj({ kind: js.str, at: js.str, label: js.str, groups: js.arr(js.str) }) }, 400: 'unknown kind or bad body', 401: 'not logged in', 403: 'not city platform staff or a city admin',
      409: 'notifications are off in this deployment', 422: '`at` does not fit the report\'s period, or the period has not started',
    },
  });
  router.post('/api/v1/assessment/reports/:kind/send', auth, jsonBody, async (ctx) => {
    const { kind } = parse(reportKindParams, ctx.params);
    const { at } = parse(reportSendBody, ctx.request.body ?? {});
    ctx.status = 202;
    ctx.body = await resendReport(deps, deps.notify, currentUser(ctx), kind, at);
  });
}
