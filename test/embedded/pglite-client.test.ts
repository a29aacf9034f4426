// PGlite only: the prepared-statement client (server/src/adapters/postgres/pglite-client.ts) must answer
// exactly as PGlite's own query() does, keep errors, transactions and notifications working, and stay
// bounded. Each case runs the same statements through both clients on one in-memory database.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite, types } from '@electric-sql/pglite';
import { fastPglite } from '../../server/src/adapters/postgres/pglite-client.js';

let plain: PGlite;
let fast: PGlite;

beforeAll(async () => {
  plain = await PGlite.create();
  fast = fastPglite(plain, 3);
  await plain.exec(`
    create table t (id int primary key, name text, at timestamptz, day date, amount numeric(10,2), ok boolean,
      data jsonb, tags text[], bytes bytea, ratio float8, big bigint, u uuid);
    insert into t values (1, '派遣', '2026-12-03 05:57:12.327+00', '2026-12-03', 12.50, true, '{"a":[1,2]}', '{甲,乙}',
      '\\x0102ff', 0.1, 9007199254740993, '8b0c1f0e-7a6b-4c1d-9e2f-3a4b5c6d7e8f');
    insert into t (id) values (2);`);
});

afterAll(async () => {
  await plain.close();
});

const DRIZZLE_PARSERS = { [types.TIMESTAMPTZ]: (v: string) => v, [types.DATE]: (v: string) => v };

describe('the prepared-statement PGlite client', () => {
  it('answers like PGlite query(): rows, fields, affected rows, every type, both row modes and custom parsers', async () => {
    const cases: [string, unknown[], object | undefined][] = [
      ['select * from t order by id', [], undefined],
      ['select * from t where id = $1', [1], { rowMode: 'array' }],
      ['select * from t where at >= $1 and data @> $2 and tags && $3', [new Date('2026-12-01T00:00:00Z'), { a: [1] }, ['乙']], undefined],
      ['select id, at, day from t where ok = $1', [true], { rowMode: 'array', parsers: DRIZZLE_PARSERS }],
      ['with x as (select $1::int as n) select n + 1 as m, $2::text as s from x', [41, null], undefined],
      ['update t set ratio = ratio where id = any($1)', [[1, 2]], undefined],
    ];
    for (const [sql, params, options] of cases) {
      const want = await plain.query(sql, params, options);
      const got = await fast.query(sql, params, options);
      expect(got).toEqual(want);
    }
    // The same statement again (now executed from its prepared plan) still reads the same.
    expect(await fast.query('select * from t where id = $1', [1], { rowMode: 'array' })).toEqual(await plain.query('select * from t where id = $1', [1], { rowMode: 'array' }));
    expect((await fast.query('update t set ratio = ratio where id = any($1)', [[1, 2]])).affectedRows).toBe(2);
  });

  it('keeps PostgreSQL errors (code and query) and leaves the session usable', async () => {
    const err = (await fast.query('insert into t (id) values ($1)', [1]).catch((e: unknown) => e)) as { code?: string; query?: string };
    expect(err.code).toBe('23505');
    expect(err.query).toBe('insert into t (id) values ($1)');
    const bad = (await fast.query('select nope from t where id = $1', [1]).catch((e: unknown) => e)) as { code?: string };
    expect(bad.code).toBe('42703');
    expect((await fast.query<{ n: number }>('select count(*)::int as n from t where id > $1', [0])).rows).toEqual([{ n: 2 }]);
  });

  it('commits and rolls back transactions, with a failed statement aborting only its own transaction', async () => {
    await fast.transaction(async (tx) => {
      await tx.query('insert into t (id, name) values ($1, $2)', [10, '甲']);
      await tx.query('insert into t (id, name) values ($1, $2)', [11, '乙']);
    });
    await expect(
      fast.transaction(async (tx) => {
        await tx.query('insert into t (id, name) values ($1, $2)', [12, '丙']);
        await tx.query('insert into t (id, name) values ($1, $2)', [10, '重复']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const ids = (await fast.query<{ id: number }>('select id from t where id >= $1 order by id', [10])).rows.map((r) => r.id);
    expect(ids).toEqual([10, 11]);
    expect(plain.isInTransaction()).toBe(false);
  });

  it('runs concurrent callers one at a time, as PGlite does', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 5 === 0
          ? fast.transaction(async (tx) => (await tx.query<{ n: number }>('select $1::int * 2 as n', [i])).rows[0]!.n)
          : fast.query<{ n: number }>('select $1::int * 2 as n', [i]).then((r) => r.rows[0]!.n),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('delivers pg_notify to listeners at commit', async () => {
    const heard: string[] = [];
    const unlisten = await fast.listen('fc_probe', (payload) => heard.push(payload));
    await fast.query("select pg_notify('fc_probe', $1)", ['一']);
    await fast.transaction(async (tx) => {
      await tx.query("select pg_notify('fc_probe', $1)", ['二']);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual(['一', '二']);
    await unlisten();
  });

  it('keeps at most its cap of prepared statements, closing the least recently used', async () => {
    for (let i = 0; i < 8; i++) await fast.query(`select $1::int + ${i} as n`, [1]);
    const names = (await plain.query<{ name: string }>("select name from pg_prepared_statements where name like 'fc\\_%' order by name")).rows;
    expect(names.length).toBe(3);
  });

  it('prepares again after a schema change alters a statement result type', async () => {
    await plain.exec('create table s (a int)');
    await plain.exec('insert into s values (1)');
    expect((await fast.query('select * from s where a = $1', [1])).rows).toEqual([{ a: 1 }]);
    await plain.exec('alter table s add column b text');
    // PostgreSQL refuses the old plan (0A000) and the client prepares the new shape, unseen by the caller.
    expect((await fast.query('select * from s where a = $1', [1])).rows).toEqual([{ a: 1, b: null }]);
  });

  it('leaves DDL and statements it does not prepare to PGlite', async () => {
    await fast.query('create table u (a int)');
    await fast.query('insert into u values ($1)', [7]);
    expect((await fast.query('select a from u')).rows).toEqual([{ a: 7 }]);
    const names = (await plain.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((r) => r.statement);
    expect(names.some((s) => /create table/i.test(s))).toBe(false);
  });
});
