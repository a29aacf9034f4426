import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { parse, protocol, type messages } from '@electric-sql/pglite';

type BackendMessage = messages.BackendMessage;
type RowDescriptionMessage = messages.RowDescriptionMessage;
type DataRowMessage = messages.DataRowMessage;
type CommandCompleteMessage = messages.CommandCompleteMessage;

/**
 * The PGlite client drizzle talks to, with a cheaper path for the statements FineCity sends all day.
 *
 * PGlite's own `query()` enters its WebAssembly Postgres six times per statement (Parse, Describe, Bind,
 * Describe, Execute, Sync, each a separate call) and has Postgres parse, analyse and plan the text every
 * time. On the report's one-statement insert (a CTE over eight tables) planning alone was about half the
 * database time. Here each distinct SELECT / INSERT / UPDATE / DELETE / WITH text is prepared once as a named
 * statement (its parameter types read then), and every execution is one call carrying Bind, Execute and
 * Sync, so Postgres's plan cache does the rest
 * (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY,
 * https://www.postgresql.org/docs/current/sql-prepare.html). Parameters go through PGlite's own
 * serializers and values through its parsers, so they read back exactly as through `query()`.
 *
 * Locking follows PGlite's `query()`: outside a transaction a statement takes the transaction mutex and then
 * the query mutex; inside `transaction()` only the query mutex, as PGlite's own transaction object does.
 * Anything else (DDL, SET, statements with no parameters types to learn from…) goes through PGlite unchanged.
 */
export function fastPglite(client: PGlite, maxStatements = 400): PGlite {
  const prepared = new Map<string, Prepared>();
  let next = 0;
  const internals = client as unknown as {
    _checkReady(): Promise<void>;
    _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
    _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  };

  const send = (...messages: Uint8Array[]) => client.execProtocolStream(concat(messages), { syncToFs: false });

  /** The named statement for `text`, prepared on first use; the least recently used is closed past the cap. */
  async function statement(text: string): Promise<Prepared> {
    const known = prepared.get(text);
    if (known) {
      prepared.delete(text); // re-inserted: the Map's order is the recency order
      prepared.set(text, known);
      return known;
    }
    const name = `fc_${++next}`;
    let messages;
    try {
      messages = await send(protocol.serialize.parse({ name, text }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync());
    } catch (err) {
      throw withQuery(err, text);
    }
    const rowDescription = messages.find((m): m is RowDescriptionMessage => m.name === 'rowDescription');
    const entry: Prepared = { name, types: parse.parseDescribeStatementResults(messages), fields: rowDescription?.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) ?? [] };
    prepared.set(text, entry);
    if (prepared.size > maxStatements) {
      const [oldText, old] = prepared.entries().next().value as [string, { name: string }];
      prepared.delete(oldText);
      await send(protocol.serialize.close({ type: 'S', name: old.name }), protocol.serialize.sync());
    }
    return entry;
  }

  async function run<T>(text: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean): Promise<Results<T>> {
    const s = await statement(text);
    const values = params.map((p, i) => {
      if (p === null || p === undefined) return null;
      const oid = s.types[i]!;
      const serialize = options?.serializers?.[oid] ?? client.serializers[oid];
      return serialize ? serialize(p) : String(p);
    });
    let messages;
    try {
      messages = await send(
        protocol.serialize.bind({ statement: s.name, values: values as (string | null)[] }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      );
    } catch (err) {
      // A plan whose result type a schema change altered cannot run again ("cached plan must not change result
      // type"): forget it, and outside a transaction (which the error would have aborted) prepare it anew.
      if ((err as { code?: string }).code === '0A000' && prepared.get(text) === s) {
        prepared.delete(text);
        await send(protocol.serialize.close({ type: 'S', name: s.name }), protocol.serialize.sync());
        if (!inTransaction) return run<T>(text, params, options, inTransaction);
      }
      throw withQuery(err, text, params);
    }
    if (!inTransaction) await client.syncToFs();
    return resultOf<T>(messages, s.fields, client.parsers, options);
  }

  const cacheable = (text: string, options?: QueryOptions) => !options?.blob && !options?.paramTypes && PREPARABLE.test(text);

  async function query<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    if (!cacheable(text, options)) return client.query<T>(text, params, options);
    await internals._checkReady();
    return internals._runExclusiveTransaction(() => internals._runExclusiveQuery(() => run<T>(text, params, options, false)));
  }

  function inTx(tx: Transaction): Transaction {
    return new Proxy(tx, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver);
        return async <T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> => {
          if (!cacheable(text, options) || target.closed) return target.query<T>(text, params, options);
          return internals._runExclusiveQuery(() => run<T>(text, params, options, true));
        };
      },
    });
  }

  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'transaction') return <T>(cb: (tx: Transaction) => Promise<T>) => target.transaction((tx) => cb(inTx(tx)));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

interface Prepared {
  name: string;
  /** Parameter type oids (for PGlite's serializers). */
  types: number[];
  /** The result's columns, read when it was prepared: executions then need no Describe. */
  fields: { name: string; dataTypeID: number }[];
}

type Parser = (value: string, typeId: number) => unknown;

/**
 * The result of one Bind/Execute, as PGlite's parse.parseResults builds it (rows in object or array mode,
 * affectedRows, rowCount), with each value's parser looked up per column: parseResults copies every parser
 * PGlite has into a new object on each call that passes its own parsers (drizzle always does).
 */
function resultOf<T>(messages: BackendMessage[], fields: Prepared['fields'], defaults: Record<number | string, Parser>, options?: QueryOptions): Results<T> {
  const parsers = fields.map((f) => (options?.parsers?.[f.dataTypeID] as Parser | undefined) ?? defaults[f.dataTypeID]);
  const value = (v: string | null, i: number) => (v === null ? null : parsers[i] ? parsers[i]!(v, fields[i]!.dataTypeID) : v);
  const rows: unknown[] = [];
  let affectedRows = 0;
  let rowCount: number | undefined;
  let command: string | undefined;
  for (const m of messages) {
    if (m.name === 'dataRow') {
      const values = (m as DataRowMessage).fields;
      if (options?.rowMode === 'array') rows.push(values.map(value));
      else {
        const row: Record<string, unknown> = {};
        values.forEach((v, i) => (row[fields[i]!.name] = value(v, i)));
        rows.push(row);
      }
    } else if (m.name === 'commandComplete') {
      const words = (m as CommandCompleteMessage).text.split(' ');
      command = words[0];
      const n = parseInt(words[words.length - 1]!, 10);
      if (['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE'].includes(words[0]!)) affectedRows += n;
      if (!Number.isNaN(n)) rowCount = n;
    }
  }
  return { rows: rows as T[], fields: fields.map((f) => ({ ...f })), command, affectedRows, ...(rowCount !== undefined && { rowCount }) } as Results<T>;
}

/** The statements worth keeping prepared: data statements, optionally after comments and white space. */
const PREPARABLE = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(?:select|insert|update|delete|with)\b/i;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** PGlite's errors carry the query and its parameters (as its own query() attaches them). */
function withQuery(err: unknown, query: string, params?: unknown[]): unknown {
  if (err && typeof err === 'object' && 'code' in err) Object.assign(err, { query, params });
  return err;
}
