import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { ReportFileStore } from '../../usecases/notifications/ports.js';
import type { DbOrTx } from './database.js';
import { reportFiles } from './schema.js';

/** A UUID derived from the key (MD5, shaped as RFC 9562 version 3), so one key stores one file. */
function idOf(key: string): string {
  const h = crypto.createHash('md5').update(`finecity:report-file:${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x30;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Report files (charts, workbooks) in report_files, referenced by id from notification payloads. */
export function pgReportFiles(db: DbOrTx): ReportFileStore {
  return {
    async put(key, f, now) {
      const id = idOf(key);
      const md5 = crypto.createHash('md5').update(f.bytes).digest('hex');
      await db
        .insert(reportFiles)
        .values({ id, name: f.name, contentType: f.contentType, md5, size: f.bytes.length, dataBase64: f.bytes.toString('base64'), createdAt: now })
        .onConflictDoNothing();
      return id;
    },
    async find(key) {
      const id = idOf(key);
      const [row] = await db.select({ id: reportFiles.id }).from(reportFiles).where(eq(reportFiles.id, id)).limit(1);
      return row?.id ?? null;
    },
    async get(id) {
      const [row] = await db.select().from(reportFiles).where(eq(reportFiles.id, id)).limit(1);
      return row ? { name: row.name, contentType: row.contentType, bytes: Buffer.from(row.dataBase64, 'base64') } : null;
    },
  };
}
