import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the migrated + seeded template lives between Jest's global setup and the test files:
 * a PGlite dump (tar) on disk, or a template database on the PostgreSQL server.
 */
export const TMP_DIR = path.resolve('.jest-tmp');
// One file per kind, so a PGlite run and a PostgreSQL run at the same time do not read each other's.
export const TEMPLATE_INFO = path.join(TMP_DIR, process.env.DATABASE_URL ? 'template-postgres.json' : 'template-pglite.json');

export interface TemplateInfo {
  kind: 'pglite' | 'postgres';
  /** pglite: path of the dump; postgres: the template database name. */
  ref: string;
  /** postgres: the server URL the tests connect through (its database part is replaced). */
  serverUrl?: string;
}

export function readTemplateInfo(): TemplateInfo {
  return JSON.parse(fs.readFileSync(TEMPLATE_INFO, 'utf8')) as TemplateInfo;
}

/** The PGlite template's dump, whichever database this run's other tests use (the browser tests always boot on PGlite). */
export function pgliteTemplateDump(): string {
  const info = JSON.parse(fs.readFileSync(path.join(TMP_DIR, 'template-pglite.json'), 'utf8')) as TemplateInfo;
  return info.ref;
}

/** A template is reusable while the migrations and the policy data are unchanged. */
export function templateHash(): string {
  const h = crypto.createHash('sha256');
  for (const dir of ['server/drizzle', 'config']) {
    for (const f of listFiles(path.resolve(dir))) h.update(f).update(fs.readFileSync(f));
  }
  h.update(fs.readFileSync(path.resolve('server/src/adapters/postgres/seed.ts')));
  return h.digest('hex').slice(0, 16);
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
