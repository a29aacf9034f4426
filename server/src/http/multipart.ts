// Thin multipart/form-data parsing for photo uploads, around @koa/multer with memory storage.
// It enforces transport limits and maps parser failures to stable AppError codes; business rules
// (how many photos a report needs, what the text fields mean) belong to the caller.
import type { Context, Middleware } from 'koa';
import multer from '@koa/multer';
import { PHOTO_LIMITS } from '@finecity/types';
import { AppError } from '../domain/errors.js';

/** A file part held in memory. Nothing here is trusted: name and mimetype come from the client. */
export interface UploadedFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  buffer: Buffer;
  size: number;
}

export interface MultipartOptions {
  /** Form field holding the files (default 'photos'). Files under any other name are refused. */
  field?: string;
  /** Fewer files than this → 'photo.missing' (default 0: files optional). */
  min?: number;
  /** More files than this → 'photo.too_many' (default PHOTO_LIMITS.maxPerReport). */
  max?: number;
  /** Per-file byte limit (default PHOTO_LIMITS.maxBytes). */
  maxFileBytes?: number;
  /** Per-text-field byte limit (default 64 KiB). */
  maxFieldBytes?: number;
  /** Maximum number of text fields (default 50). */
  maxFields?: number;
}

const STATE_KEY = 'files';

/**
 * Parses a multipart body into `ctx.request.body` (text fields, set by @koa/multer) and
 * `ctx.state.files` (read it with `uploadedFiles(ctx)`), then calls next().
 * Errors raised downstream pass through untouched: only parsing errors are mapped.
 */
export function multipartPhotos(options: MultipartOptions = {}): Middleware {
  const o = withDefaults(options);
  const parse = multer(multerOptions(o)).array(o.field);
  const maxBodyBytes = o.max * (o.maxFileBytes + 1024) + o.maxFields * (o.maxFieldBytes + 1024) + 64 * 1024;

  return async (ctx, next) => {
    if (ctx.request.type !== 'multipart/form-data') {
      throw new AppError('request.unsupported_media_type', '请使用 multipart/form-data 上传照片');
    }
    if (Number(ctx.get('content-length') || 0) > maxBodyBytes) {
      throw new AppError('request.too_large', '请求内容过大');
    }
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      throw mapParseError(err, o);
    }
    const files = collectFiles(ctx);
    if (files.length > o.max) throw tooMany(o.max);
    if (files.length < o.min) throw new AppError('photo.missing', `请至少上传 ${o.min} 张照片`, { min: o.min });
    ctx.state[STATE_KEY] = files;
    await next();
  };
}

/** The files parsed by multipartPhotos (empty when the middleware did not run or got none). */
export function uploadedFiles(ctx: Pick<Context, 'state'>): UploadedFile[] {
  const files: unknown = ctx.state[STATE_KEY];
  return Array.isArray(files) ? (files as UploadedFile[]) : [];
}

/** The text fields parsed by multipartPhotos (a null-prototype object; `a[b]` names nest). */
export function multipartFields(ctx: Context): Record<string, unknown> {
  const body: unknown = (ctx.request as { body?: unknown }).body;
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

type ResolvedOptions = Required<MultipartOptions>;

function withDefaults(options: MultipartOptions): ResolvedOptions {
  return {
    field: options.field ?? 'photos',
    min: options.min ?? 0,
    max: options.max ?? PHOTO_LIMITS.maxPerReport,
    maxFileBytes: options.maxFileBytes ?? PHOTO_LIMITS.maxBytes,
    maxFieldBytes: options.maxFieldBytes ?? 64 * 1024,
    maxFields: options.maxFields ?? 50,
  };
}

/**
 * busboy counts a file against `files` before taking it, so with files = max the (max+1)th
 * file part raises LIMIT_FILE_COUNT as soon as its header arrives, before its bytes are buffered.
 * (multer's own `array(field, maxCount)` would report the same case as LIMIT_UNEXPECTED_FILE.)
 */
function multerOptions(o: ResolvedOptions): multer.Options & { defParamCharset?: string } {
  return {
    storage: multer.memoryStorage(),
    limits: {
      fileSize: o.maxFileBytes,
      files: o.max,
      fields: o.maxFields,
      fieldSize: o.maxFieldBytes,
      fieldNameSize: 100,
      parts: o.max + 1 + o.maxFields, // room for the (max+1)th file to be reported as too many
      headerPairs: 100,
    },
    // WeChat and browsers send UTF-8 file names; multer's default would read them as latin1.
    defParamCharset: 'utf8',
  };
}

/** Turns multer/busboy failures into client errors; every parse failure is the client's body. */
function mapParseError(err: unknown, o: ResolvedOptions): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return new AppError('photo.too_large', `照片过大，单张不超过 ${Math.floor(o.maxFileBytes / 1024 / 1024)}MB`, {
        maxBytes: o.maxFileBytes,
      });
    case 'LIMIT_FILE_COUNT':
      return tooMany(o.max);
    case 'LIMIT_UNEXPECTED_FILE':
      return new AppError('request.invalid', `照片请使用字段 ${o.field} 上传`, { field: (err as { field?: string }).field });
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_FIELD_VALUE':
      return new AppError('request.too_large', '表单内容过多', { reason: code });
    default:
      return withCause(new AppError('request.invalid', '上传内容格式错误', typeof code === 'string' ? { reason: code } : undefined), err);
  }
}

function tooMany(max: number): AppError {
  return new AppError('photo.too_many', `最多上传 ${max} 张照片`, { max });
}

function collectFiles(ctx: Context): UploadedFile[] {
  // @koa/multer copies the array to ctx.request.files; its typing clashes with koa-body's, so read it untyped.
  const raw: unknown = (ctx.request as { files?: unknown }).files;
  if (!Array.isArray(raw)) return [];
  return raw.map((f: UploadedFile) => ({
    fieldname: f.fieldname,
    originalname: f.originalname,
    mimetype: f.mimetype,
    buffer: f.buffer,
    size: f.size,
  }));
}

function withCause(appError: AppError, cause: unknown): AppError {
  appError.cause = cause;
  return appError;
}
