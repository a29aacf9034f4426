import { createApp } from '../../server/src/http/app.js';
import type { Harness } from './harness.js';

/** `METHOD path` for each route of the router createApp mounts (HEAD rides on GET; a catch-all answers ALL methods), sorted. */
export function routerRoutes(h: Harness): string[] {
  const app = createApp(h.deps, { sandboxBase: () => h.sandboxUrl, sandbox: h.sandbox });
  const mounted = (app.middleware as unknown as { router?: { stack: { path: string; methods: string[] }[] } }[]).find((m) => m.router);
  if (!mounted?.router) throw new Error('createApp mounts no @koa/router');
  return [...new Set(mounted.router.stack.flatMap((layer) => {
    const methods = layer.methods.filter((m) => m !== 'HEAD');
    return methods.length > 8 ? [`ALL ${layer.path}`] : methods.map((m) => `${m} ${layer.path}`);
  }))].sort();
}
