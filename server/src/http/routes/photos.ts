import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { MEDIA, type ApiRegistry } from '../openapi.js';
import { z } from 'zod';
import { uuidParam } from '../schemas/queries.js';
import { parse } from '../validate.js';

/** The signature the case presenter puts on a photo URL (documentation: the handler checks it with the signer). */
const signedQuery = z.object({ exp: z.string(), sig: z.string() });

/** Processed photos only (originals are never kept); URLs are signed by the case presenter. */
export function photoRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  for (const variant of ['full', 'thumb'] as const) {
    const path = variant === 'full' ? '/api/v1/photos/:id' : '/api/v1/photos/:id/thumb';
    api.add({ method: 'get', path, summary: `A case photo (${variant}), by the signed URL given in a case`, tag: 'photos', auth: false, query: signedQuery, responses: { 200: { description: 'image', media: MEDIA.image }, 400: 'bad id', 403: 'bad or expired signature', 404: 'no such photo' } });
    router.get(path, async (ctx) => {
      const id = parse(uuidParam, ctx.params.id);
      const { exp, sig } = ctx.query as Record<string, string | undefined>;
      if (!exp || !sig || !deps.signer.verify(id, variant, exp, sig, deps.clock.now())) throw new AppError('auth.forbidden', '图片链接无效或已过期');
      const photo = await deps.photos.read(id, variant);
      if (!photo) throw new AppError('not_found', '图片不存在');
      ctx.type = photo.contentType;
      ctx.set('Cache-Control', 'private, max-age=86400, immutable');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.body = photo.body;
    });
  }
}
