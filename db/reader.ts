/**
 * Prepared reads for a local file (issue 14): the hot read paths (an org by
 * id, a page of children, the progress rows, the figures of the overview and
 * the progress page) run on a second connection to the same file whose
 * statements are prepared once and reused, and whose rows come back as plain
 * arrays that drizzle maps with its own column decoders.
 *
 * Through `@libsql/client` every query is prepared anew and every value of
 * every row is defined on an object one property at a time (about 1 µs a
 * value): an org row by id costs 0.8–3 ms there and 0.06 ms here.
 *
 * `fast(db)` is the only entry: it gives a drizzle handle over this
 * connection when `db` is the read handle of a local file, and `db` itself
 * otherwise (a transaction, which must read its own writes; a libSQL server
 * or an embedded replica, SPEC §10). The db/ read functions write their
 * queries with drizzle as before and run them on `fast(db)`.
 *
 * Consistency: in WAL mode each statement of this connection reads the last
 * committed state when it starts, so a request reads what a write committed
 * before it (read-your-writes; tests/reader_test.ts). Statements always run to
 * their last row (`all`), so none keeps a read snapshot open. Only select
 * queries with a column list may run here (a statement that returns no rows
 * is refused).
 */
import SyncConnection from "libsql";
import { Column } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import type { Client } from "@libsql/client";
import { databaseOf, type Db, statementHandle } from "./client.ts";
import type { Conn } from "./orgs.ts";
import * as schema from "./schema.ts";
import { settle, Statements, toSql } from "./local_client.ts";

/** Statements kept per connection (each distinct SQL text; our reads have a few dozen shapes). */
const MAX_STATEMENTS = 256;

type Connection = InstanceType<typeof SyncConnection>;

/** The part of `@libsql/client`'s `Client` that drizzle's select queries call, on prepared statements. */
class PreparedClient {
  #conn: Connection;
  #statements: Statements;

  constructor(path: string) {
    this.#conn = new SyncConnection(path);
    this.#conn.exec("PRAGMA busy_timeout=5000");
    this.#conn.exec("PRAGMA query_only=ON");
    this.#statements = new Statements(this.#conn, MAX_STATEMENTS);
  }

  execute(stmt: string | { sql: string; args?: unknown[] }): Promise<{ rows: unknown[][] }> {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const args = typeof stmt === "string" ? [] : stmt.args ?? [];
    return settle(() => {
      const p = this.#statements.get(sql);
      if (!p.columns) throw new Error("only queries that return rows run on the prepared reads");
      return { rows: this.#statements.rows(p, args.map(toSql)) };
    });
  }

  close(): void {
    this.#statements.clear();
    this.#conn.close();
  }
}

const handles = new WeakMap<object, Db | null>();

/**
 * The prepared-read handle for `db`'s database when `db` is the read handle
 * of a local file; `db` itself otherwise (a transaction, a server, a replica).
 * Use it for select queries with a column list only.
 */
export function fast<C extends Conn>(db: C): C {
  let h = handles.get(db);
  if (h === undefined) {
    h = null;
    let database: ReturnType<typeof databaseOf> | undefined;
    try {
      database = databaseOf(db as Db);
    } catch {
      database = undefined; // a transaction
    }
    if (database?.mode === "file" && database.db === db && database.file) {
      const client = new PreparedClient(database.file);
      database.onClose(() => client.close());
      h = drizzle(client as unknown as Client, { schema, casing: "snake_case" }) as Db;
    }
    handles.set(db, h);
  }
  return (h ?? db) as C;
}

/**
 * A query that `build` makes with `sql.placeholder()`s and `.prepare()`s,
 * built once per handle and reused: drizzle takes 0.1–0.5 ms to build the SQL
 * of a select of 10–40 columns, every time. Pass `fast(db)` for the prepared
 * reads; a write transaction on a local file shares one built query across
 * transactions (`statementHandle`).
 */
export function preparedQuery<Q>(build: (db: Conn) => Q): (db: Conn) => Q {
  const byHandle = new WeakMap<object, Q>();
  return (conn) => {
    const db = statementHandle(conn); // a local write transaction: its writer's
    let q = byHandle.get(db);
    if (!q) byHandle.set(db, q = build(db));
    return q;
  };
}

/**
 * The rows of a select of plain columns (`{ key: column }`, as passed to
 * `select()`), read with the prepared query's `values()` and mapped by
 * decoders worked out once: drizzle's `all()` checks each value's column
 * kind, row after row, which took 0.2 ms of 0.4 for a 100-row page of the
 * progress query's 21 columns. A value is decoded as drizzle does it (null
 * stays null; a column without a decoder of its own is taken as it is).
 *
 * Each row becomes one object literal of a fixed shape, from a function
 * generated here out of the column keys (names in this code, written as
 * JSON string literals): a loop assigning `out[key]` made every row's object
 * a dictionary, 90 µs for 100 rows of 21 values against 8 µs.
 */
export function rowsOf<T>(columns: Record<string, Column>): (rows: unknown[][]) => T[] {
  const keys = Object.keys(columns);
  const decoders = keys.map((k) => {
    const c = columns[k];
    // drizzle turns a blob's ArrayBuffer into a Buffer first; none of these selections has one.
    if (c.columnType.startsWith("SQLiteBlob")) throw new Error(`rowsOf: ${k} is a blob`);
    return c.mapFromDriverValue === Column.prototype.mapFromDriverValue
      ? null
      : (v: unknown) => c.mapFromDriverValue(v);
  });
  const fields = keys.map((k, i) =>
    `${JSON.stringify(k)}: ${decoders[i] ? `r[${i}] === null ? null : d[${i}](r[${i}])` : `r[${i}]`}`
  );
  const row = new Function("d", `return (r) => ({ ${fields.join(", ")} });`)(decoders) as (r: unknown[]) => T;
  return (rows) => rows.map(row);
}
