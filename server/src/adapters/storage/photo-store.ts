// Where processed photos live. Only the re-encoded variants are ever written: never an original.
// Layout: <root>/ab/cd/<uuid>.jpg and <root>/ab/cd/<uuid>.thumb.webp (ab, cd = first hex pairs).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import type { ProcessedPhoto } from './photo-processor.js';

export type PhotoVariant = 'full' | 'thumb';

export interface PhotoStore {
  put(id: string, photo: ProcessedPhoto): Promise<void>;
  read(id: string, variant: PhotoVariant): Promise<{ body: Buffer; contentType: string } | null>;
  remove(id: string): Promise<void>;
  /** Ids of the photos with a file last written before `before`, folder by folder; and stale temp files removed. */
  storedBefore(before: Date): AsyncIterable<string>;
}

/** Canonical lowercase uuid: the only shape an id may take, so it can never name another path. */
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every file a photo may have, with its content type; read() tries them in this order. */
const FILES: Record<PhotoVariant, ReadonlyArray<{ suffix: string; contentType: string }>> = {
  full: [{ suffix: '.jpg', contentType: 'image/jpeg' }],
  thumb: [
    { suffix: '.thumb.webp', contentType: 'image/webp' },
    { suffix: '.thumb.jpg', contentType: 'image/jpeg' },
  ],
};

export function diskPhotoStore(rootDir: string): PhotoStore {
  const root = path.resolve(rootDir);
  const dirOf = (id: string) => path.join(root, id.slice(0, 2), id.slice(2, 4));
  const made = new Set<string>();

  return {
    async put(id, photo) {
      checkId(id);
      const dir = dirOf(id);
      // 65 536 fan-out folders: each is made once per process, not checked on every photo.
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      const thumbSuffix = photo.thumbContentType === 'image/webp' ? '.thumb.webp' : '.thumb.jpg';
      // Both variants are written side by side, then renamed thumb first, full last: if the full image
      // exists, the photo is complete. Only the full image (the evidence) is flushed to disk before the
      // case commits; the thumbnail is derived from it, and a thumbnail lost to a power cut is served as
      // the full image (read below).
      const written = await Promise.allSettled([writeFlushed(dir, `${id}${thumbSuffix}`, photo.thumb, false), writeFlushed(dir, `${id}.jpg`, photo.full, true)]);
      const failed = written.find((w) => w.status === 'rejected');
      if (failed) {
        await Promise.all(written.map((w) => (w.status === 'fulfilled' ? w.value.abort() : undefined)));
        throw failed.reason;
      }
      const [thumb, full] = written.map((w) => (w as PromiseFulfilledResult<Awaited<ReturnType<typeof writeFlushed>>>).value) as [Awaited<ReturnType<typeof writeFlushed>>, Awaited<ReturnType<typeof writeFlushed>>];
      try {
        await thumb.commit();
        await full.commit();
      } catch (err) {
        await Promise.all([thumb.abort(), full.abort()]);
        throw err;
      }
      await syncDir(dir);
    },

    async read(id, variant) {
      checkId(id);
      for (const file of [...FILES[variant], ...(variant === 'thumb' ? FILES.full : [])]) {
        const body = await readIfExists(path.join(dirOf(id), id + file.suffix));
        if (body) return { body, contentType: file.contentType };
      }
      return null;
    },

    async remove(id) {
      checkId(id);
      const all = [...FILES.full, ...FILES.thumb];
      await Promise.all(all.map((file) => unlinkIfExists(path.join(dirOf(id), id + file.suffix))));
    },

    async *storedBefore(before) {
      for (const a of await hexDirs(root)) {
        for (const b of await hexDirs(path.join(root, a))) {
          const dir = path.join(root, a, b);
          const ids = new Set<string>();
          for (const name of await readdir(dir).catch(() => [] as string[])) {
            const file = path.join(dir, name);
            const at = await stat(file).then((s) => s.mtimeMs, () => null);
            if (at === null || at >= before.getTime()) continue;
            // A temp file left by a process killed between write and rename (writeFlushed): never a photo.
            if (TEMP_FILE.test(name)) await unlinkIfExists(file);
            else if (PHOTO_FILE.test(name)) ids.add(name.slice(0, 36));
          }
          yield* ids;
        }
      }
    },
  };
}

/** A photo's own files (<uuid>.jpg, <uuid>.thumb.webp, <uuid>.thumb.jpg) and writeFlushed's temp files. */
const PHOTO_FILE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(?:jpg|thumb\.webp|thumb\.jpg)$/;
const TEMP_FILE = /^\.[0-9a-f-]{36}\.(?:jpg|thumb\.webp|thumb\.jpg)\.[0-9a-f]{12}\.tmp$/;

/** The two-hex-digit fan-out folders below `dir` (none when it does not exist yet). */
async function hexDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && /^[0-9a-f]{2}$/.test(e.name)).map((e) => e.name).sort();
}

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new AppError('request.invalid', '照片编号无效', { id });
}

/**
 * Writes to a unique temp file in the same directory (flushed when `flush`); `commit` renames it over the target.
 * rename() is atomic on one filesystem, so readers see the old file or the whole new one; on any
 * failure the temp file is removed, so nothing half-written is ever left behind.
 */
async function writeFlushed(dir: string, name: string, data: Buffer, flush: boolean): Promise<{ commit(): Promise<void>; abort(): Promise<void> }> {
  const target = path.join(dir, name);
  const temp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // One call: open (exclusive), write, fsync when asked (`flush`, Node ≥ 20.10), close.
    await writeFile(temp, data, { flag: 'wx', mode: 0o644, flush });
  } catch (err) {
    await unlinkIfExists(temp);
    throw err;
  }
  return {
    async commit() {
      try {
        await rename(temp, target);
      } catch (err) {
        await unlinkIfExists(temp);
        throw err;
      }
    },
    abort: () => unlinkIfExists(temp),
  };
}

/** Makes the renames themselves durable across a power loss. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function unlinkIfExists(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
