import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import multer from '@koa/multer';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { requireAdmin } from '../../usecases/admin/admin-scope.js';
import { importStaff } from '../../usecases/admin/staff-import.js';
import { exportStaff, listStaff, staffTemplate } from '../../usecases/admin/staff-list.js';
import { STAFF_IMPORT_LIMITS } from '../../usecases/admin/spreadsheets.js';
import { currentUser, requireUser } from '../auth.js';
import { MEDIA, type ApiRegistry } from '../openapi.js';
import { staffExportQuery, staffImportQuery, staffListQuery } from '../schemas/admin.js';
import { parse } from '../validate.js';
import { z } from 'zod';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Only admins get as far as the upload being read. */
const adminOnly = async (ctx: Context, next: Next) => {
  requireAdmin(currentUser(ctx));
  await next();
};

/** One spreadsheet in the multipart field `file`, held in memory, at most 5 MB. */
function oneSpreadsheet() {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: STAFF_IMPORT_LIMITS.maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6, headerPairs: 50 },
  }).single('file');
  return async (ctx: Context, next: Next) => {
    if (ctx.request.type !== 'multipart/form-data') throw new AppError('request.unsupported_media_type', '请以 multipart/form-data 上传文件（字段名 file）');
    if (Number(ctx.get('content-length') || 0) > STAFF_IMPORT_LIMITS.maxBytes + 64 * 1024) throw new AppError('request.too_large', '文件超过 5MB，请分批导入');
    try {
      await upload(ctx, async () => {});
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'LIMIT_FILE_SIZE') throw new AppError('request.too_large', '文件超过 5MB，请分批导入');
      if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE') throw new AppError('request.invalid', '请只上传一个文件，字段名为 file');
      throw new AppError('request.invalid', '上传内容格式错误', typeof code === 'string' ? { reason: code } : undefined);
    }
    await next();
  };
}

function sendXlsx(ctx: Context, body: Buffer, asciiName: string, name: string): void {
  ctx.set('Content-Disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`); // RFC 6266 §4.3
  ctx.set('Cache-Control', 'no-store');
  ctx.type = XLSX_TYPE;
  ctx.body = body;
}

/** The staff roster for admins (issue 9): import, template, list and export. */
export function adminStaffRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);

  api.add({
    method: 'post', path: '/api/v1/admin/staff/import', tag: 'admin', auth: true, query: staffImportQuery,
    multipart: { fields: z.object({}), files: { name: 'file', min: 1, max: 1 } },
    summary: 'Import the staff roster (XLSX or UTF-8 CSV, columns 姓名 手机号 角色 单位编码 岗位 企业微信账号): matched by mobile; new people are invited. Any row error writes nothing unless partial=true; dryRun=true only validates',
    responses: {
      200: 'StaffImportResultDto {created, updated, unchanged, errors: [{row, column, code, message}], committed, invitations}',
      400: 'no file', 401: 'not logged in', 403: 'not an admin', 413: 'file over 5 MB', 415: 'not XLSX or CSV', 422: 'unreadable file, header missing, no rows or more than 5000 rows',
    },
  });
  router.post('/api/v1/admin/staff/import', auth, adminOnly, oneSpreadsheet(), async (ctx) => {
    const opts = parse(staffImportQuery, ctx.query);
    const file = (ctx as unknown as { file?: { buffer: Buffer } }).file ?? (ctx.request as unknown as { file?: { buffer: Buffer } }).file;
    if (!file) throw new AppError('request.invalid', '请选择要导入的文件（字段名 file）');
    ctx.body = await importStaff(deps, currentUser(ctx), file.buffer, opts);
  });

  api.add({
    method: 'get', path: '/api/v1/admin/staff/template.xlsx', tag: 'admin', auth: true,
    summary: 'The roster import template: the header row (each column explained in a note) and an instructions sheet with an example row',
    responses: { 200: { description: 'XLSX', media: MEDIA.xlsx }, 401: 'not logged in', 403: 'not an admin' },
  });
  router.get('/api/v1/admin/staff/template.xlsx', auth, adminOnly, async (ctx) => {
    sendXlsx(ctx, await staffTemplate(deps), 'staff-template.xlsx', '人员导入模板.xlsx');
  });

  api.add({
    method: 'get', path: '/api/v1/admin/staff', tag: 'admin', auth: true, query: staffListQuery,
    summary: 'Staff of the admin\'s subtree: q is a name substring or a full mobile; mobiles are masked',
    responses: { 200: 'StaffListDto', 400: 'bad query', 401: 'not logged in', 403: 'not an admin, or a unit outside the admin\'s subtree', 422: 'unknown unit' },
  });
  router.get('/api/v1/admin/staff', auth, async (ctx) => {
    const q = parse(staffListQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await listStaff(deps, currentUser(ctx), q);
  });

  api.add({
    method: 'get', path: '/api/v1/admin/staff/export.xlsx', tag: 'admin', auth: true, query: staffExportQuery,
    summary: 'The same staff list as XLSX, with full mobiles (admins only); cells that would start a formula are prefixed with \'',
    responses: { 200: { description: 'XLSX', media: MEDIA.xlsx }, 400: 'bad query', 401: 'not logged in', 403: 'not an admin', 413: 'too many rows: narrow by unit', 422: 'unknown unit' },
  });
  router.get('/api/v1/admin/staff/export.xlsx', auth, async (ctx) => {
    const q = parse(staffExportQuery, ctx.query);
    sendXlsx(ctx, await exportStaff(deps, currentUser(ctx), q), 'staff.xlsx', '人员名单.xlsx');
  });
}
