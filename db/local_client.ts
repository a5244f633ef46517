/**
 * The clients of a local file (issue 14), the read handle's and the
 * writer's: what drizzle calls on a `@libsql/client` `Client` (execute,
 * batch, transaction, migrate), each on one libsql connection whose
 * statements are prepared once and reused.
 *
 * Through `@libsql/client` every statement is prepared anew (the binding
 * never frees it: README "Native memory per query") and every
 * value of every row is defined on an object one property at a time: an org
 * row read inside a write transaction cost 0.5–0.65 ms there. Here a row is an
 * object made from a per-statement prototype: its columns by name (what
 * drizzle's raw `all()` reads) and by index (what its selects read).
 *
 * Rows come back as one JSON text per query (`Statements`): libsql-js's
 * `all()` leaves about 1 KB of native memory behind on every call (its row
 * iterator is never freed, under Node as under Deno: tursodatabase/libsql-js
 * issue 153), `get()` does not; and SQLite building the JSON and V8 parsing
 * it is about twice as fast as the binding's rows (100 rows 113 µs against
 * 224; one org row 13 µs against 24).
 *
 * Semantics kept from `@libsql/client`: booleans and dates as numbers, `BEGIN
 * IMMEDIATE` for a write transaction, errors as the binding raises them (code
 * and message: "database is locked", "UNIQUE constraint failed: …").
 */
import SyncConnection from "libsql";
import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";

/** Values as the binding takes them (what `@libsql/client` converts: booleans and dates; the prepared reads too). */
export function toSql(v: unknown): unknown {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return v;
}

type Connection = InstanceType<typeof SyncConnection>;
type Statement = ReturnType<Connection["prepare"]>;

/** Statements kept (each distinct SQL text); multi-row inserts come in a bounded number of lengths. */
const MAX_STATEMENTS = 256;

const VALUES = Symbol("values");

/** A prepared statement with what its results need. */
export interface Prepared {
  stmt: Statement;
  /** For a statement that returns rows: its column names. */
  columns?: string[];
  /** True when `stmt` returns those rows as one JSON array of arrays (see `Statements`). */
  json: boolean;
  row?: (values: unknown[]) => Record<string, unknown>;
}

/** A query whose rows may come as one JSON text: a SELECT, with or without a WITH clause before it. */
const SELECT = /^\s*(select|with)\b/i;

/**
 * The statements of one connection, prepared once (by SQL text, the oldest
 * dropped past `max`). A query's rows are read as one JSON text: `WITH
 * __rows(c0, …) AS (<query>) SELECT json_group_array(json_array(c0, …))`,
 * by `get()` (the CTE renames the columns by position; SQLite keeps the
 * query's order, and values leave the CTE as plain values, never as JSON).
 * Anything else that returns rows (PRAGMA, RETURNING) is read by `all()`.
 */
export class Statements {
  #conn: Connection;
  #max: number;
  #map = new Map<string, Prepared>();

  constructor(conn: Connection, max: number) {
    this.#conn = conn;
    this.#max = max;
  }

  /** The prepared form of `sql`. */
  get(sql: string): Prepared {
    let p = this.#map.get(sql);
    if (p) return p;
    const stmt = this.#conn.prepare(sql);
    p = { stmt, json: false };
    if (stmt.reader) {
      p.columns = stmt.columns().map((c: { name: string }) => c.name);
      const names = p.columns.map((_, i) => `c${i}`).join(", ");
      try {
        if (!SELECT.test(sql) || !p.columns.length) throw new Error("not a query");
        p.stmt = this.#conn.prepare(
          `WITH __rows(${names}) AS (${
            sql.replace(/;\s*$/, "")
          }) SELECT json_group_array(json_array(${names})) FROM __rows`,
        ).raw(true);
        p.json = true;
      } catch {
        stmt.raw(true);
      }
    }
    if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(sql, p);
    return p;
  }

  /** The rows of a statement that returns rows, each an array of its column values. */
  rows(p: Prepared, args: unknown[] | Record<string, unknown>): unknown[][] {
    if (p.json) return JSON.parse((p.stmt.get(args) as [string])[0]);
    return p.stmt.all(args) as unknown[][];
  }

  clear(): void {
    this.#map.clear();
  }
}

/** Rows of one column list: own enumerable properties by name, and by index through the prototype. */
function rowMaker(columns: string[]): (values: unknown[]) => Record<string, unknown> {
  const proto = {};
  Object.defineProperty(proto, "length", { value: columns.length });
  columns.forEach((_, i) =>
    Object.defineProperty(proto, i, {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][i];
      },
    })
  );
  // The first of two columns with the same name gives the named value, as in `@libsql/client`.
  const names = columns.map((c, i) => (columns.indexOf(c) === i ? c : null));
  return (values) => {
    const row = Object.create(proto);
    row[VALUES] = values;
    for (let i = 0; i < names.length; i++) if (names[i] !== null) row[names[i]!] = values[i];
    return row;
  };
}

function resultSet(
  columns: string[],
  rows: Record<string, unknown>[],
  rowsAffected: number,
  lastInsertRowid?: bigint,
) {
  return {
    columns,
    columnTypes: columns.map(() => ""),
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({ columns, rows, rowsAffected, lastInsertRowid: lastInsertRowid?.toString() }),
  } as unknown as ResultSet;
}

/** `fn`'s result as a settled promise (the binding is synchronous; the Client interface is not). */
export function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

const BEGIN: Record<TransactionMode, string> = {
  write: "BEGIN IMMEDIATE",
  read: "BEGIN TRANSACTION READONLY",
  deferred: "BEGIN DEFERRED",
};

/** A `Client` over one connection with prepared, reused statements (see the module note). */
export class LocalClient {
  #conn: Connection;
  #statements: Statements;
  readonly protocol = "file";

  constructor(path: string) {
    this.#conn = new SyncConnection(path);
    this.#statements = new Statements(this.#conn, MAX_STATEMENTS);
  }

  get closed(): boolean {
    return !this.#conn.open;
  }

  /** Runs one statement now (the binding is synchronous). */
  run(stmt: InStatement): ResultSet {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const args = typeof stmt === "string" ? [] : stmt.args ?? [];
    const bound = Array.isArray(args)
      ? args.map(toSql)
      : Object.fromEntries(Object.entries(args).map(([k, v]) => [k.replace(/^[@$:]/, ""), toSql(v)]));
    const p = this.#statements.get(sql);
    if (p.columns) {
      p.row ??= rowMaker(p.columns);
      return resultSet(p.columns, this.#statements.rows(p, bound).map(p.row), 0);
    }
    const info = p.stmt.run(bound) as { changes: number; lastInsertRowid: number | bigint };
    return resultSet([], [], info.changes, BigInt(info.lastInsertRowid));
  }

  execute(stmt: InStatement): Promise<ResultSet> {
    return settle(() => this.run(stmt));
  }

  /** The statements in order, in a transaction of their own (as `@libsql/client` runs a batch). */
  batch(stmts: InStatement[], mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    return this.#inTransaction(mode, () => stmts.map((s) => this.run(s)));
  }

  /** A migration's statements, with foreign keys off around their transaction (as `@libsql/client`). */
  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.#conn.exec("PRAGMA foreign_keys=off");
    try {
      return await this.batch(stmts);
    } finally {
      this.#conn.exec("PRAGMA foreign_keys=on");
    }
  }

  #inTransaction<T>(mode: TransactionMode, fn: () => T): Promise<T> {
    return settle(() => {
      this.#conn.exec(BEGIN[mode]);
      try {
        const out = fn();
        this.#conn.exec("COMMIT");
        return out;
      } catch (e) {
        if (this.#conn.inTransaction) this.#conn.exec("ROLLBACK");
        throw e;
      }
    });
  }

  executeMultiple(sql: string): Promise<void> {
    return settle(() => void this.#conn.exec(sql));
  }

  /** A transaction on the one connection (the writer's caller runs one at a time: `Database.writeTx`). */
  transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    return settle(() => this.#begin(mode));
  }

  #begin(mode: TransactionMode): Transaction {
    this.#conn.exec(BEGIN[mode]);
    const conn = this.#conn;
    let done = false;
    const end = (sql: string) => {
      if (done) return;
      done = true;
      if (conn.open && conn.inTransaction) conn.exec(sql);
    };
    const tx = {
      execute: (s: InStatement) => this.execute(s),
      // Inside the transaction: the statements in order, no transaction of their own.
      batch: (s: InStatement[]) => settle(() => s.map((one) => this.run(one))),
      executeMultiple: (sql: string) => this.executeMultiple(sql),
      commit: () =>
        settle(() => {
          try {
            end("COMMIT");
          } catch (e) {
            // A failed COMMIT (SQLITE_BUSY) leaves the transaction open: roll it back so the next write can begin.
            if (conn.open && conn.inTransaction) conn.exec("ROLLBACK");
            throw e;
          }
        }),
      rollback: () => settle(() => end("ROLLBACK")),
      close: () => end("ROLLBACK"),
      get closed() {
        return done;
      },
    };
    return tx as unknown as Transaction;
  }

  sync(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  close(): void {
    this.#statements.clear();
    if (this.#conn.open) this.#conn.close();
  }
}

/** A client of the local file at `path`, in the shape drizzle takes. */
export const localClient = (path: string): Client => new LocalClient(path) as unknown as Client;
