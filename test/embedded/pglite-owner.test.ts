// PGlite only: the embedded database's single-owner lock. It opens its own data folder, never DATABASE_URL,
// so it runs once, in the PGlite pass (project `embedded`, test/run.mjs), not again on PostgreSQL.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { openPglite } from '../../server/src/adapters/postgres/database.js';

describe('the embedded database', () => {
  it('allows exactly one process to own a PGlite data folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-owner-'));
    const first = await openPglite(path.join(dir, 'db'));
    try {
      await expect(openPglite(path.join(dir, 'db'))).rejects.toThrow(/already owned by another FineCity process/);
      // …and from another process, as a second `npm start` would try.
      const script = `import { openPglite } from './server/src/adapters/postgres/database.ts';
        openPglite(${JSON.stringify(path.join(dir, 'db'))}).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/already owned by another FineCity process/);
    } finally {
      await first.close();
    }
    const again = await openPglite(path.join(dir, 'db'));
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets a restarted process take over at once from an owner killed with -9 (a supervisor restart)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-owner-'));
    const db = path.join(dir, 'db');
    // The owner: opens the folder, says so, then waits to be killed (it never releases the lock).
    const script = `import { openPglite } from './server/src/adapters/postgres/database.ts';
      await openPglite(${JSON.stringify(db)}); console.log('owned'); setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        owner.stdout!.on('data', (c: Buffer) => c.toString().includes('owned') && resolve());
        owner.once('exit', (code) => reject(new Error(`the owner exited (${code}) before owning the folder`)));
      });
      owner.kill('SIGKILL');
      await new Promise((r) => owner.once('exit', r));
      // Well inside the 30 s a lock takes to go stale on its own.
      const t0 = Date.now();
      const next = await openPglite(db);
      expect(Date.now() - t0).toBeLessThan(10_000);
      await expect(openPglite(db)).rejects.toThrow(/already owned by another FineCity process/);
      await next.close();
    } finally {
      owner.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
