import { describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import request from 'supertest';
import { ERROR_STATUS } from '@finecity/types';
import { isAppError } from '../domain/errors.js';
import { multipartFields, multipartPhotos, uploadedFiles, type MultipartOptions } from './multipart.js';

/** A bare app: the error mapping a real app would have, then the middleware, then an echo. */
function app(options?: MultipartOptions, downstream?: () => never) {
  const koa = new Koa();
  koa.silent = true; // the downstream-error test expects a 500; keep the log quiet
  koa.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!isAppError(err)) throw err;
      ctx.status = ERROR_STATUS[err.code];
      ctx.body = { error: { code: err.code, message: err.message, details: err.details } };
    }
  });
  koa.use(multipartPhotos(options));
  koa.use((ctx) => {
    downstream?.();
    ctx.body = {
      fields: { ...multipartFields(ctx) },
      files: uploadedFiles(ctx).map((f) => ({ field: f.fieldname, name: f.originalname, size: f.size, isBuffer: Buffer.isBuffer(f.buffer) })),
    };
  });
  return koa.callback();
}

const bytes = (n: number) => Buffer.alloc(n, 7);

describe('multipartPhotos', () => {
  it('parses text fields and files into typed places', async () => {
    const res = await request(app())
      .post('/')
      .field('description', '路灯不亮')
      .field('location[lat]', '39.9')
      .attach('photos', bytes(10), '照片一.jpg')
      .attach('photos', bytes(20), 'b.jpg');
    expect(res.status).toBe(200);
    expect(res.body.fields).toEqual({ description: '路灯不亮', location: { lat: '39.9' } });
    expect(res.body.files).toEqual([
      { field: 'photos', name: '照片一.jpg', size: 10, isBuffer: true },
      { field: 'photos', name: 'b.jpg', size: 20, isBuffer: true },
    ]);
  });

  it('accepts exactly max files and refuses max+1 as photo.too_many', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => i);
    const ok = nine.reduce((req, i) => req.attach('photos', bytes(5), `${i}.jpg`), request(app()).post('/'));
    expect((await ok).status).toBe(200);
    const ten = [...nine, 9].reduce((req, i) => req.attach('photos', bytes(5), `${i}.jpg`), request(app()).post('/'));
    const res = await ten;
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'photo.too_many', details: { max: 9 } });
  });

  it('refuses a file over maxFileBytes as photo.too_large', async () => {
    const res = await request(app({ maxFileBytes: 1000 })).post('/').attach('photos', bytes(1001), 'a.jpg');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('photo.too_large');
    const atLimit = await request(app({ maxFileBytes: 1000 })).post('/').attach('photos', bytes(1000), 'a.jpg');
    expect(atLimit.status).toBe(200);
  });

  it('refuses files under another field name as request.invalid', async () => {
    const res = await request(app()).post('/').attach('image', bytes(5), 'a.jpg');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'request.invalid', details: { field: 'image' } });
  });

  it('enforces min with photo.missing', async () => {
    const res = await request(app({ min: 1 })).post('/').field('description', 'x');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('photo.missing');
  });

  it('refuses a non-multipart body with request.unsupported_media_type', async () => {
    const res = await request(app()).post('/').send({ description: 'json' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('request.unsupported_media_type');
  });

  it('refuses a malformed multipart body with request.invalid', async () => {
    const noBoundary = await request(app()).post('/').set('content-type', 'multipart/form-data').send('garbage');
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.error.code).toBe('request.invalid');
    const cut = await request(app())
      .post('/')
      .set('content-type', 'multipart/form-data; boundary=XYZ')
      .send('--XYZ\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n\r\nabc');
    expect(cut.status).toBe(400);
    expect(cut.body.error.code).toBe('request.invalid');
  });

  it('refuses an oversized text field as request.too_large', async () => {
    const res = await request(app({ maxFieldBytes: 100 })).post('/').field('description', 'x'.repeat(101));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('request.too_large');
  });

  it('refuses a declared Content-Length beyond what the limits allow', async () => {
    const res = await request(app({ max: 1, maxFileBytes: 1000, maxFields: 1, maxFieldBytes: 100 }))
      .post('/')
      .attach('photos', bytes(200_000), 'a.jpg');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('request.too_large');
  });

  it('does not remap errors thrown downstream', async () => {
    const res = await request(
      app(undefined, () => {
        throw new Error('boom');
      }),
    )
      .post('/')
      .attach('photos', bytes(5), 'a.jpg');
    expect(res.status).toBe(500);
  });
});
