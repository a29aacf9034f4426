import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { js, type ApiRegistry } from '../openapi.js';

/** GET /api/v1/categories: the enabled matters with their hints. */
const CATEGORY_LIST = js.obj({
  standardRef: js.str,
  version: js.int,
  categories: js.arr(js.obj({
    code: js.str, name: js.str, bigClassCode: js.str, bigClassName: js.str, keywords: js.arr(js.str), common: js.bool, urgent: js.bool, hint: js.nullable(js.str), confusableWith: js.arr(js.str),
  })),
});

/**
 * The category picker's data: GB/T 47678.5 matters, common ones flagged, confusable-pair hints. Live
 * (the city admin edits names and hints, and disables categories: those are left out), built once per
 * policy version; the ETag is the version, so a client's copy is revalidated cheaply.
 */
export function categoryRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({ method: 'get', path: '/api/v1/categories', summary: 'Report categories (GB/T 47678.5 matters) with hints; disabled ones left out', tag: 'reference', auth: false, responses: { 200: { description: '{standardRef, version, categories}', schema: CATEGORY_LIST }, 304: 'not modified (If-None-Match)' } });
  let built: { version: number; body: unknown } | null = null;
  router.get('/api/v1/categories', (ctx) => {
    const version = deps.categories.current().version;
    if (built?.version !== version) {
      built = {
        version,
        body: {
          standardRef: deps.policy.categories.standardRef,
          version,
          categories: deps.categories
            .list()
            .filter((c) => c.enabled)
            .map((c) => ({
              code: c.code, name: c.name, bigClassCode: c.bigClassCode, bigClassName: c.bigClassName, keywords: c.keywords,
              common: c.common, urgent: c.urgent, hint: c.hint ?? null, confusableWith: c.confusableWith,
            })),
        },
      };
    }
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('ETag', `"categories-v${version}"`);
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = built.body;
  });
}
