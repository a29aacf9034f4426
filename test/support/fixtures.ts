// Photo fixtures, generated in memory (nothing binary is committed). Used by the unit tests beside
// the photo code and by the API tests. Every builder is deterministic.
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { PHOTO_LIMITS } from '@finecity/types';

export interface JpegOptions {
  width?: number;
  height?: number;
  color?: string;
}

/** A plain, valid JPEG (a flat colour, a few hundred bytes). */
export async function smallJpeg(opts: JpegOptions = {}): Promise<Buffer> {
  const { width = 64, height = 48, color = '#3a7f5c' } = opts;
  return sharp({ create: { width, height, channels: 3, background: color } }).jpeg().toBuffer();
}

/** A PNG with an alpha channel (transparent left half), to check flattening to JPEG. */
export async function smallPng(opts: JpegOptions = {}): Promise<Buffer> {
  const { width = 64, height = 48, color = '#c0392b' } = opts;
  return sharp({ create: { width, height, channels: 4, background: color } })
    .composite([{ input: { create: { width: Math.ceil(width / 2), height, channels: 4, background: '#00000000' } }, left: 0, top: 0, blend: 'source' }])
    .png()
    .toBuffer();
}

/** Blurred noise at quality 90: compresses like a real phone photo (4000×3000 ≈ 3 MB). */
export async function photoLikeJpeg(opts: { width?: number; height?: number } = {}): Promise<Buffer> {
  const { width = 4000, height = 3000 } = opts;
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .blur(1.5)
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The GPS position written into jpegWithGpsAndOrientation (Tiananmen, Beijing). */
export const FIXTURE_GPS = { latitude: '39/1 54/1 2700/100', longitude: '116/1 23/1 1700/100' } as const;

/**
 * A 300×200 JPEG whose EXIF says Orientation 6 (rotate 90° clockwise to display) and carries a GPS
 * IFD. sharp 0.35 writes GPS itself: `withExif` IFD3 is libexif's GPS IFD. Displayed size: 200×300.
 */
export async function jpegWithGpsAndOrientation(opts: { width?: number; height?: number } = {}): Promise<Buffer> {
  const { width = 300, height = 200 } = opts;
  const base = await smallJpeg({ width, height, color: '#2255aa' });
  return sharp(base)
    .withExif({
      IFD0: { Make: 'FineCityTestCam', Model: 'Fixture' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: FIXTURE_GPS.latitude, GPSLongitudeRef: 'E', GPSLongitude: FIXTURE_GPS.longitude },
    })
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
}

/**
 * A tiny PNG (a few hundred bytes) whose IHDR declares width×height (default 30000×30000 = 900 MP).
 * Only a few rows of pixel data follow, so it is also truncated; the header alone must get it refused.
 */
export function pngPixelBomb(width = 30_000, height = 30_000): Buffer {
  const ihdr = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]); // 8-bit RGB
  const rows = deflateSync(Buffer.alloc((width * 3 + 1) * 4)); // 4 rows of zeros (filter byte + RGB)
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PDF that a client might rename to photo.jpg. */
export function renamedPdf(): Buffer {
  return Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
}

/** Plain text: file-type detects nothing. */
export function textFile(): Buffer {
  return Buffer.from('这不是一张照片 / this is not a photo\n', 'utf8');
}

export function emptyFile(): Buffer {
  return Buffer.alloc(0);
}

/**
 * A valid, decodable JPEG padded with COM (comment) segments right after SOI to exactly `bytes`
 * (default: one byte over PHOTO_LIMITS.maxBytes). Only its size is wrong.
 */
export async function oversizedJpeg(bytes: number = PHOTO_LIMITS.maxBytes + 1): Promise<Buffer> {
  const base = await smallJpeg();
  let remaining = bytes - base.length;
  if (remaining < 4) return Buffer.concat([base, Buffer.alloc(Math.max(0, remaining))]);
  const segments: Buffer[] = [];
  while (remaining > 0) {
    let size = Math.min(remaining, 0xffff + 2); // marker (2) + length field counts itself (max 0xffff)
    if (remaining - size > 0 && remaining - size < 4) size -= 4; // keep room for a last segment
    segments.push(comSegment(size));
    remaining -= size;
  }
  return Buffer.concat([base.subarray(0, 2), ...segments, base.subarray(2)]);
}

/** A detailed JPEG cut at 60 %: the header is intact, the entropy-coded data ends early. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await photoLikeJpeg({ width: 400, height: 300 });
  return full.subarray(0, Math.floor(full.length * 0.6));
}

/**
 * A structurally valid HEIC (ftyp heic, meta with one hvc1 item, hvcC, ispe 4032×3024) whose coded
 * payload is filler. libheif parses the header; decoding needs an HEVC decoder, which sharp's
 * prebuilt libvips does not ship. This is what an iPhone photo looks like to the server.
 */
export function heicPhoto(width = 4032, height = 3024): Buffer {
  const payload = Buffer.alloc(64, 0x11);
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), Buffer.from('mif1heic', 'latin1'));
  const hvcC = box('hvcC', Buffer.from([1, 1, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5a, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]));
  const meta = (mdatOffset: number) =>
    fullBox('meta',
      fullBox('hdlr', u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.alloc(1)),
      fullBox('pitm', u16(1)),
      fullBox('iloc', Buffer.from([0x44, 0x00]), u16(1), u16(1), u16(0), u16(1), u32(mdatOffset), u32(payload.length)),
      fullBox('iinf', u16(1), fullBox('infe', u16(1), u16(0), Buffer.from('hvc1', 'latin1'), Buffer.alloc(1), 2)),
      box('iprp', box('ipco', hvcC, fullBox('ispe', u32(width), u32(height))), fullBox('ipma', u32(1), u16(1), Buffer.from([2, 0x81, 0x02]))));
  const headerLength = ftyp.length + meta(0).length;
  return Buffer.concat([ftyp, meta(headerLength + 8), box('mdat', payload)]);
}

/** The EXIF tag ids of IFD0 and of the GPS IFD, read from sharp's `metadata().exif` buffer. */
export function exifTagIds(exif: Buffer): { ifd0: number[]; gps: number[] } {
  const start = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const tiff = exif.subarray(start);
  const le = tiff.subarray(0, 2).toString('latin1') === 'II';
  const r16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const r32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const readIfd = (offset: number) =>
    Array.from({ length: r16(offset) }, (_, i) => ({ tag: r16(offset + 2 + i * 12), value: r32(offset + 2 + i * 12 + 8) }));
  const ifd0 = readIfd(r32(4));
  const gpsPointer = ifd0.find((entry) => entry.tag === 0x8825);
  return { ifd0: ifd0.map((e) => e.tag), gps: gpsPointer ? readIfd(gpsPointer.value).map((e) => e.tag) : [] };
}

export const EXIF_TAGS = { orientation: 0x0112, gpsPointer: 0x8825, gpsLatitude: 0x0002, gpsLongitude: 0x0004 } as const;

// --- byte helpers ---------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32(data.length), typeAndData, u32(crc32(typeAndData))]);
}

/** A JPEG COM segment of `size` bytes in total (marker included). */
function comSegment(size: number): Buffer {
  const segment = Buffer.alloc(size, 0x20);
  segment[0] = 0xff;
  segment[1] = 0xfe;
  segment.writeUInt16BE(size - 2, 2);
  return segment;
}

/** An ISO-BMFF box. */
function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** An ISO-BMFF full box, flags 0; a trailing number argument is the version (default 0). */
function fullBox(type: string, ...parts: Array<Buffer | number>): Buffer {
  const version = typeof parts.at(-1) === 'number' ? (parts.pop() as number) : 0;
  return box(type, Buffer.from([version, 0, 0, 0]), ...(parts as Buffer[]));
}
