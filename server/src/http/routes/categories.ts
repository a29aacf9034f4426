import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import type { ApiRegistry } from '../openapi.js';

/** The category picker's data: GB/T 47678.5 matters, common ones flagged, confusable-pair hints. */
export function categoryRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({ method: 'get', path: '/api/v1/categories', summary: 'Report categories (GB/T 47678.5 matters) with hints', tag: 'reference', auth: false, responses: { 200: '{standardRef, categories}' } });
  const body = {
    standardRef: deps.policy.categories.standardRef,
    categories: deps.policy.categories.categories.map((c) => ({
      code: c.code, name: c.name, bigClassCode: c.bigClassCode, bigClassName: c.bigClassName, keywords: c.keywords,
      common: c.common, urgent: c.urgent, hint: c.hint ?? null, confusableWith: c.confusableWith,
    })),
  };
  router.get('/api/v1/categories', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  });
}
