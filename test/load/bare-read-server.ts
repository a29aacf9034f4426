// The residents bench's bare floor (test/load/residents-bench.ts), run as its own process like the API:
// Koa with no middleware on a pg pool of 10, one primary-key SELECT per request over the ids in IDS_FILE.
// Env: DATABASE_URL, PORT, IDS_FILE (one id per line). Prints "ready" once listening.
import fs from 'node:fs';
import http from 'node:http';
import Koa from 'koa';
import pg from 'pg';

const ids = fs.readFileSync(process.env.IDS_FILE!, 'utf8').split('\n').filter(Boolean);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = new Koa();
let k = 0;
app.use(async (ctx) => {
  const r = await pool.query('select id, state, category_code from cases where id = $1', [ids[k++ % ids.length]]);
  ctx.body = r.rows[0] ?? null;
});
http.createServer(app.callback()).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
