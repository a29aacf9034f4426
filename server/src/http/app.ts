import zlib from 'node:zlib';
import Koa from 'koa';
import compress from 'koa-compress';
import Router from '@koa/router';
import type { AppDeps } from '../composition.js';
import { errorMiddleware } from './errors.js';
import { ApiRegistry } from './openapi.js';
import { authRoutes } from './routes/auth.js';
import { wecomAuthRoutes } from './routes/auth-wecom.js';
import { adminCalendarRoutes } from './routes/admin-calendar.js';
import { caseRoutes } from './routes/cases.js';
import { channelRoutes } from './routes/channels.js';
import { caseCommentRoutes } from './routes/case-comments.js';
import { accountabilityRoutes } from './routes/accountability.js';
import { channelCallbackRoutes } from './routes/channel-callbacks.js';
import { categoryRoutes } from './routes/categories.js';
import { adminCategoryRoutes } from './routes/admin-categories.js';
import { orgRoutes } from './routes/org.js';
import { officialAccountRoutes, type OfficialAccountWiring } from './routes/official-account.js';
import { photoRoutes } from './routes/photos.js';
import { reportRoutes } from './routes/reports.js';
import { sandboxRoutes, type SandboxView } from './routes/sandbox.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { adminStaffRoutes } from './routes/admin-staff.js';
import { adminAuditRoutes } from './routes/admin-audit.js';
import { adminDutyRoutes } from './routes/admin-duty.js';
import { adminOrgRoutes } from './routes/admin-org.js';
import { adminStaffLifecycleRoutes } from './routes/admin-staff-lifecycle.js';
import { assessmentLeaderRoutes } from './routes/assessment-leader.js';
import { assessmentRoutes } from './routes/assessment.js';
import { assessmentReportRoutes } from './routes/assessment-reports.js';
import { companyRoutes } from './routes/companies.js';
import { inspectorRoutes } from './routes/patrols.js';
import { open311Routes } from './routes/open311.js';
import { systemRoutes } from './routes/system.js';
import { metricsRoutes, requestMetrics } from './routes/metrics.js';
import { hotlineRoutes } from './routes/hotline.js';
import { trackingRoutes } from './routes/tracking.js';
import { mapRoutes } from './routes/map.js';
import { residentRoutes } from './routes/residents.js';
import { publicRoutes } from './routes/public.js';
import { serveH5 } from './static.js';
import { corsPolicy, noStoreWhenAuthorized, securityHeaders } from './security.js';
import { loginThrottle } from './rate-limit.js';

export interface AppOptions {
  /** Set while the WeChat sandbox is on: its base URL, for GET /api/v1/sandbox. */
  sandboxBase?: () => string;
  /** Set while the sandbox is on: its record and groups, for GET /api/v1/sandbox/messages and /accounts. */
  sandbox?: SandboxView;
  /** Replaces parts of the official account's ports the composition root gave (a test's own media server). */
  officialAccount?: OfficialAccountWiring;
}

/** Routes are thin: auth → validate → use case → presenter. */
export function createApp(deps: AppDeps, opts: AppOptions = {}): Koa {
  // Behind the reverse proxy (TRUST_PROXY), ctx.ip is the last X-Forwarded-For entry: the address the proxy itself
  // saw and appended ($proxy_add_x_forwarded_for). Entries a client sent before it are never trusted
  // (https://koajs.com/#app-maxipscount). Without a proxy the header is ignored.
  const app = new Koa({ proxy: deps.config.trustProxy, maxIpsCount: 1 });
  const router = new Router();
  const api = new ApiRegistry();
  systemRoutes(router, api);
  metricsRoutes(router, api, deps);
  const loginLimit = loginThrottle(deps.config.login); // one count per address across both sign-ins
  authRoutes(router, api, deps, loginLimit);
  wecomAuthRoutes(router, api, deps, opts.sandboxBase, loginLimit);
  adminCalendarRoutes(router, api, deps);
  adminCategoryRoutes(router, api, deps);
  if (opts.sandboxBase) sandboxRoutes(router, api, deps, opts.sandboxBase, opts.sandbox);
  categoryRoutes(router, api, deps);
  reportRoutes(router, api, deps);
  // Before caseRoutes: /api/v1/cases/unlocated is not /api/v1/cases/:id.
  channelRoutes(router, api, deps);
  // Before caseRoutes: /api/v1/cases/nearby is not /api/v1/cases/:id.
  residentRoutes(router, api, deps);
  publicRoutes(router, api, deps);
  caseRoutes(router, api, deps);
  caseCommentRoutes(router, api, deps);
  accountabilityRoutes(router, api, deps);
  channelCallbackRoutes(router, api, deps);
  photoRoutes(router, api, deps);
  orgRoutes(router, api, deps);
  officialAccountRoutes(router, api, deps, opts);
  subscriptionRoutes(router, api, deps);
  adminStaffRoutes(router, api, deps);
  adminAuditRoutes(router, api, deps);
  adminDutyRoutes(router, api, deps);
  adminOrgRoutes(router, api, deps);
  adminStaffLifecycleRoutes(router, api, deps);
  assessmentLeaderRoutes(router, api, deps);
  assessmentRoutes(router, api, deps);
  assessmentReportRoutes(router, api, deps);
  companyRoutes(router, api, deps);
  inspectorRoutes(router, api, deps);
  open311Routes(router, api, deps);
  hotlineRoutes(router, api, deps);
  trackingRoutes(router, api, deps);
  mapRoutes(router, api, deps);
  // Residents are on phones with bad connections: text (JSON, the H5 bundle) goes compressed; images are
  // already compressed and pass through (koa-compress only touches compressible types).
  app.use(compress({ threshold: 1024, br: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } } }));
  app.use(requestMetrics(deps)); // outside the error middleware: it sees the status sent
  app.use(securityHeaders(deps.config));
  app.use(corsPolicy(deps.config.corsOrigins));
  app.use(noStoreWhenAuthorized);
  app.use(errorMiddleware(deps.logger));
  app.use(router.routes());
  // 405 with Allow for a method the path does not take; errorMiddleware turns allowedMethods' 501 for an unknown method (TRACE, PROPFIND) into a 405 too.
  app.use(router.allowedMethods());
  app.use(serveH5()); // the mini-program's H5 build at /, after every API route
  return app;
}
