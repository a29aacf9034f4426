import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import multer from '@koa/multer';
import { koaBody } from 'koa-body';
import { z } from 'zod';
import type { OrgImportOptions, OrgTreeQuery } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { requireAdmin } from '../../usecases/admin/admin-scope.js';
import { importGrids, ORG_IMPORT_LIMITS } from '../../usecases/admin/org-import.js';
import { orgTree, ORG_TREE_MAX_DEPTH } from '../../usecases/admin/org-tree.js';
import { currentUser, requireUser } from '../auth.js';
import type { ApiRegistry } from '../openapi.js';
import { parse } from '../validate.js';

const flag = z.enum(['true', 'false']).optional().transform((v) => v === 'true');
export const orgImportQuery = z.object({ dryRun: flag }) satisfies z.ZodType<OrgImportOptions>;
export const orgTreeQuery = z.object({
  root: z.string().min(1).max(40).optional(),
  depth: z.coerce.number().int().min(0).max(ORG_TREE_MAX_DEPTH).optional(),
}) satisfies z.ZodType<OrgTreeQuery>;

const TOO_LARGE = '文件超过 20MB，请按区或街道分批导入';
const MAX = ORG_IMPORT_LIMITS.maxBytes;

const adminOnly = async (ctx: Context, next: Next) => {
  requireAdmin(currentUser(ctx));
  await next();
};

const jsonUpload = koaBody({
  json: true, urlencoded: false, text: false, multipart: false, jsonStrict: true, jsonLimit: MAX,
  jsonTypes: ['application/json', 'application/geo+json'],
  onError: (err) => {
    if ((err as { status?: number }).status === 413) throw new AppError('request.too_large', TOO_LARGE);
    throw new AppError('request.malformed_json', '文件不是合法的 JSON');
  },
});

const fileUpload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX, files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
}).single('file');

/** The GeoJSON as a JSON body (application/json or application/geo+json, RFC 7946 §12) or a multipart `file`. */
async function geoJsonBody(ctx: Context, next: Next): Promise<void> {
  if (Number(ctx.get('content-length') || 0) > MAX + 64 * 1024) throw new AppError('request.too_large', TOO_LARGE);
  if (ctx.is('multipart/form-data')) {
    try {
      await fileUpload(ctx, async () => {});
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'LIMIT_FILE_SIZE') throw new AppError('request.too_large', TOO_LARGE);
      if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE') throw new AppError('request.invalid', '请只上传一个文件，字段名为 file');
      throw new AppError('request.invalid', '上传内容格式错误', typeof code === 'string' ? { reason: code } : undefined);
    }
    const file = (ctx as unknown as { file?: { buffer: Buffer } }).file ?? (ctx.request as unknown as { file?: { buffer: Buffer } }).file;
    if (!file) throw new AppError('request.invalid', '请选择要导入的 GeoJSON 文件（字段名 file）');
    try {
      ctx.state.geojson = JSON.parse(file.buffer.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      throw new AppError('request.malformed_json', '文件不是合法的 JSON');
    }
  } else if (ctx.is('application/json', 'application/geo+json')) {
    await jsonUpload(ctx, async () => {});
    ctx.state.geojson = ctx.request.body;
  } else {
    throw new AppError('request.unsupported_media_type', '请以 application/json 提交 GeoJSON，或以 multipart/form-data 上传文件（字段名 file）');
  }
  await next();
}

/** Grids as the city draws them (issue 9, item 5): the GeoJSON import and the admin's tree. */
export function adminOrgRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);

  api.add({
    method: 'post', path: '/api/v1/admin/org/import', tag: 'admin', auth: true, query: orgImportQuery,
    summary: 'Import grid polygons: a GeoJSON FeatureCollection (JSON body or multipart field file, ≤ 20 MB) whose features carry code, name, parentCode (a community), gridType. Codes, parents, rings, overlaps, district outlines and gaps are checked; any error writes nothing; dryRun=true only checks. Grids are never deleted',
    responses: {
      200: 'OrgImportResultDto {created, updated, unchanged, committed, dryRun, findings: [{code, kind, message, severity, detail?}]}',
      400: 'not JSON, or no file', 401: 'not logged in', 403: 'not an admin', 413: 'over 20 MB', 415: 'neither JSON nor multipart', 422: 'not a FeatureCollection, no features or more than 5000',
    },
  });
  router.post('/api/v1/admin/org/import', auth, adminOnly, geoJsonBody, async (ctx) => {
    const opts = parse(orgImportQuery, ctx.query);
    ctx.body = await importGrids(deps, currentUser(ctx), ctx.state.geojson, opts);
  });

  api.add({
    method: 'get', path: '/api/v1/admin/org/tree', tag: 'admin', auth: true, query: orgTreeQuery,
    summary: 'A unit of the admin\'s subtree (default: their own) and its area units down to depth levels (0–4, default 1): code, name, level, parentCode, gridType, hasChildren, children; grids with their GeoJSON geometry',
    responses: { 200: 'OrgTreeNodeDto', 400: 'bad query', 401: 'not logged in', 403: 'not an admin, or a unit outside the admin\'s subtree', 422: 'unknown unit' },
  });
  router.get('/api/v1/admin/org/tree', auth, async (ctx) => {
    const q = parse(orgTreeQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await orgTree(deps, currentUser(ctx), q);
  });
}
