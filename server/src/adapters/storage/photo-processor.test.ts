import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { PHOTO_LIMITS } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { processPhoto, type PhotoLimits } from './photo-processor.js';
import {
  EXIF_TAGS,
  emptyFile,
  exifTagIds,
  heicPhoto,
  jpegWithGpsAndOrientation,
  oversizedJpeg,
  photoLikeJpeg,
  pngPixelBomb,
  renamedPdf,
  smallJpeg,
  smallPng,
  textFile,
  truncatedJpeg,
} from '../../../../test/support/fixtures.js';

/** Resolves to the AppError processPhoto rejected with (fails the test if it resolved). */
async function rejection(input: Buffer, limits: PhotoLimits = PHOTO_LIMITS): Promise<AppError> {
  const err = await processPhoto(input, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('processPhoto: rejections', () => {
  it('refuses an empty file', async () => {
    const err = await rejection(emptyFile());
    expect(err.code).toBe('photo.empty');
    expect(err.message).toBe('照片不能为空');
  });

  it('refuses a valid JPEG one byte over maxBytes, before decoding it', async () => {
    const input = await oversizedJpeg(PHOTO_LIMITS.maxBytes + 1);
    expect(input.length).toBe(PHOTO_LIMITS.maxBytes + 1);
    await expect(sharp(input).metadata()).resolves.toMatchObject({ format: 'jpeg' }); // only the size is wrong
    const err = await rejection(input);
    expect(err.code).toBe('photo.too_large');
    expect(err.message).toBe('照片过大，单张不超过 10MB');
  });

  it('accepts a JPEG of exactly maxBytes', async () => {
    const photo = await processPhoto(await oversizedJpeg(PHOTO_LIMITS.maxBytes));
    expect(photo.contentType).toBe('image/jpeg');
  });

  it('refuses a PDF renamed to .jpg by its magic bytes', async () => {
    const err = await rejection(renamedPdf());
    expect(err.code).toBe('photo.unsupported_type');
    expect(err.details).toEqual({ detected: 'application/pdf' });
    expect(err.message).toBe('仅支持 JPG、PNG、WebP 格式的照片');
  });

  it('refuses text with detected "unknown"', async () => {
    const err = await rejection(textFile());
    expect(err.code).toBe('photo.unsupported_type');
    expect(err.details).toEqual({ detected: 'unknown' });
  });

  it('refuses a GIF even though sharp could decode it', async () => {
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).gif().toBuffer();
    expect((await rejection(gif)).details).toEqual({ detected: 'image/gif' });
  });

  it('refuses a pixel bomb from its header alone', async () => {
    const bomb = pngPixelBomb(30_000, 30_000);
    expect(bomb.length).toBeLessThan(1024);
    const err = await rejection(bomb);
    expect(err.code).toBe('photo.too_many_pixels');
    expect(err.details).toEqual({ width: 30_000, height: 30_000, maxPixels: PHOTO_LIMITS.maxPixels });
  });

  it('refuses a real image just over a custom maxPixels', async () => {
    const err = await rejection(await smallJpeg({ width: 101, height: 100 }), { ...PHOTO_LIMITS, maxPixels: 100 * 100 });
    expect(err.code).toBe('photo.too_many_pixels');
  });

  it('refuses a truncated JPEG as corrupt', async () => {
    const err = await rejection(await truncatedJpeg());
    expect(err.code).toBe('photo.corrupt');
    expect(err.message).toBe('照片已损坏，无法读取');
    expect(err.cause).toBeInstanceOf(Error); // the library message is kept for logs
  });

  it('refuses a JPEG whose header is damaged as corrupt', async () => {
    const jpeg = Buffer.from(await smallJpeg());
    jpeg.fill(0xff, 20, 200); // the quantisation/frame headers become garbage; SOI stays
    expect((await rejection(jpeg)).code).toBe('photo.corrupt');
  });

  it('answers an HEVC HEIC (iPhone) as unsupported with advice, not as corrupt', async () => {
    const err = await rejection(heicPhoto());
    expect(err.code).toBe('photo.unsupported_type');
    expect(err.details).toEqual({ detected: 'image/heic' });
    expect(err.message).toContain('请在相机设置中选择"兼容性最佳"或上传 JPG 照片');
  });
});

describe('processPhoto: re-encoding', () => {
  it('applies EXIF orientation 6 and strips all metadata, GPS included', async () => {
    const input = await jpegWithGpsAndOrientation({ width: 300, height: 200 });
    const inMeta = await sharp(input).metadata();
    expect(inMeta.orientation).toBe(6);
    const tags = exifTagIds(inMeta.exif ?? Buffer.alloc(0));
    expect(tags.ifd0).toContain(EXIF_TAGS.gpsPointer);
    expect(tags.gps).toEqual(expect.arrayContaining([EXIF_TAGS.gpsLatitude, EXIF_TAGS.gpsLongitude]));

    const photo = await processPhoto(input);
    expect([photo.width, photo.height]).toEqual([200, 300]);
    const outMeta = await sharp(photo.full).metadata();
    expect([outMeta.width, outMeta.height]).toEqual([200, 300]);
    expect(outMeta.exif).toBeUndefined();
    expect(outMeta.orientation).toBeUndefined();
    expect(outMeta.xmp).toBeUndefined();
    expect(outMeta.icc).toBeUndefined();
    expect(photo.full.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(photo.full.includes(Buffer.from('FineCityTestCam', 'latin1'))).toBe(false);
    const thumbMeta = await sharp(photo.thumb).metadata();
    expect(thumbMeta.exif).toBeUndefined();
  });

  it('shrinks a large photo inside maxEdge and makes a cover thumbnail of thumbEdge', async () => {
    const photo = await processPhoto(await photoLikeJpeg({ width: 2400, height: 1800 }));
    expect([photo.width, photo.height]).toEqual([PHOTO_LIMITS.maxEdge, 1200]);
    const thumb = await sharp(photo.thumb).metadata();
    expect(thumb.format).toBe('webp');
    expect([thumb.width, thumb.height]).toEqual([PHOTO_LIMITS.thumbEdge, PHOTO_LIMITS.thumbEdge]);
    expect(photo.thumbContentType).toBe('image/webp');
  });

  it('never enlarges a small photo or its thumbnail', async () => {
    const photo = await processPhoto(await smallJpeg({ width: 120, height: 90 }));
    expect([photo.width, photo.height]).toEqual([120, 90]);
    const thumb = await sharp(photo.thumb).metadata();
    expect(thumb.width).toBeLessThanOrEqual(PHOTO_LIMITS.thumbEdge);
    expect(thumb.height).toBeLessThanOrEqual(PHOTO_LIMITS.thumbEdge);
  });

  it('returns a JPEG with a sha256 and byte count of the stored bytes', async () => {
    const photo = await processPhoto(await smallJpeg());
    expect((await sharp(photo.full).metadata()).format).toBe('jpeg');
    expect(photo.bytes).toBe(photo.full.length);
    expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(photo.contentType).toBe('image/jpeg');
  });

  it('converts PNG and WebP to JPEG, flattening transparency onto white', async () => {
    const fromPng = await processPhoto(await smallPng({ width: 64, height: 48 }));
    const { data, info } = await sharp(fromPng.full).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect([data[0], data[1], data[2]].every((v) => (v ?? 0) > 240)).toBe(true); // top-left was transparent
    const webp = await sharp(await smallJpeg()).webp().toBuffer();
    expect((await processPhoto(webp)).contentType).toBe('image/jpeg');
  });
});
