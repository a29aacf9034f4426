import Koa from 'koa';
import Router from '@koa/router';
import type { AppDeps } from '../deps.js';
import { errorMiddleware } from './errors.js';
import { ApiRegistry } from './openapi.js';
import { authRoutes } from './routes/auth.js';
import { caseRoutes } from './routes/cases.js';
import { categoryRoutes } from './routes/categories.js';
import { photoRoutes } from './routes/photos.js';
import { reportRoutes } from './routes/reports.js';
import { sandboxRoutes } from './routes/sandbox.js';
import { systemRoutes } from './routes/system.js';

export interface AppOptions {
  /** Set while the WeChat sandbox is on: its base URL, for GET /api/v1/sandbox. */
  sandboxBase?: () => string;
}

/** Routes are thin: auth → validate → use case → presenter (STYLE.md habit 8). */
export function createApp(deps: AppDeps, opts: AppOptions = {}): Koa {
  const app = new Koa({ proxy: false });
  const router = new Router();
  const api = new ApiRegistry();
  systemRoutes(router, api);
  authRoutes(router, api, deps);
  if (opts.sandboxBase) sandboxRoutes(router, api, deps, opts.sandboxBase);
  categoryRoutes(router, api, deps);
  reportRoutes(router, api, deps);
  caseRoutes(router, api, deps);
  photoRoutes(router, api, deps);
  app.use(errorMiddleware(deps.logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
