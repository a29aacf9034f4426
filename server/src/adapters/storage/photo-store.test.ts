import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import { processPhoto, type ProcessedPhoto } from './photo-processor.js';
import { diskPhotoStore, type PhotoStore } from './photo-store.js';
import { smallJpeg } from '../../../../test/support/fixtures.js';

let root: string;
let store: PhotoStore;
let photo: ProcessedPhoto;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'finecity-photos-'));
  store = diskPhotoStore(root);
  photo = await processPhoto(await smallJpeg({ width: 400, height: 300 }));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under dir, relative, recursively. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('diskPhotoStore', () => {
  it('round-trips both variants under ab/cd/<id>', async () => {
    const id = randomUUID();
    await store.put(id, photo);

    const full = await store.read(id, 'full');
    expect(full?.contentType).toBe('image/jpeg');
    expect(full?.body.equals(photo.full)).toBe(true);
    const thumb = await store.read(id, 'thumb');
    expect(thumb?.contentType).toBe('image/webp');
    expect(thumb?.body.equals(photo.thumb)).toBe(true);

    const dir = path.join(root, id.slice(0, 2), id.slice(2, 4));
    expect((await readdir(dir)).filter((n) => n.startsWith(id)).sort()).toEqual([`${id}.jpg`, `${id}.thumb.webp`]);
  });

  it('stores a JPEG thumbnail under .thumb.jpg and serves it with its type', async () => {
    const id = randomUUID();
    await store.put(id, { ...photo, thumb: photo.full, thumbContentType: 'image/jpeg' });
    expect((await store.read(id, 'thumb'))?.contentType).toBe('image/jpeg');
    await store.remove(id);
  });

  it('answers null for an unknown id and removes idempotently', async () => {
    const id = randomUUID();
    expect(await store.read(id, 'full')).toBeNull();
    await store.put(id, photo);
    await store.remove(id);
    await store.remove(id);
    expect(await store.read(id, 'full')).toBeNull();
    expect(await store.read(id, 'thumb')).toBeNull();
  });

  it('serves the full image when a thumbnail was lost (only the full image is flushed before the case commits)', async () => {
    const id = randomUUID();
    await store.put(id, photo);
    await rm(path.join(root, id.slice(0, 2), id.slice(2, 4), `${id}.thumb.webp`));
    const thumb = await store.read(id, 'thumb');
    expect(thumb?.contentType).toBe('image/jpeg');
    expect(thumb?.body.equals(photo.full)).toBe(true);
  });

  it('overwrites an existing photo atomically (put is idempotent)', async () => {
    const id = randomUUID();
    await store.put(id, photo);
    await store.put(id, photo);
    expect((await store.read(id, 'full'))?.body.equals(photo.full)).toBe(true);
  });

  it.each([
    '../../etc/passwd',
    '../' + randomUUID(),
    randomUUID() + '/../x',
    randomUUID().toUpperCase(),
    '',
    'ab/cd/' + randomUUID(),
    randomUUID() + '\0',
  ])('refuses the id %j for put, read and remove', async (id) => {
    await expect(store.put(id, photo)).rejects.toMatchObject({ code: 'request.invalid' });
    await expect(store.read(id, 'full')).rejects.toBeInstanceOf(AppError);
    await expect(store.remove(id)).rejects.toMatchObject({ code: 'request.invalid' });
  });

  it('leaves no temp file after successful writes', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await Promise.all(ids.map((id) => store.put(id, photo)));
    expect((await listFiles(root)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('cleans its temp file and keeps no partial photo when the final rename fails', async () => {
    const id = randomUUID();
    const dir = path.join(root, id.slice(0, 2), id.slice(2, 4));
    // A directory squatting on the target name makes rename() fail after the data was written.
    await mkdir(path.join(dir, `${id}.jpg`), { recursive: true });

    await expect(store.put(id, photo)).rejects.toThrow();

    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await stat(path.join(dir, `${id}.jpg`))).isDirectory()).toBe(true);
    await rm(path.join(dir, `${id}.jpg`), { recursive: true });
    expect(await store.read(id, 'full')).toBeNull();
  });
});
