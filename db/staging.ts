/**
 * Long writes in two steps (an import or codes for thousands, SPEC §10): a
 * libSQL primary aborts a write transaction that holds its lock for ~5 s
 * while another writer waits, and over a WAN the rows of a long write take
 * longer than that to send. So the new rows are first staged in
 * `staged_rows` (JSON, 500 rows a value) by short quiet transactions that
 * hold the lock for one request each, and then one short transaction checks
 * that nothing they depend on changed, copies them into place with
 * `INSERT … SELECT`, moves the counters and deletes the stage. All or
 * nothing: until that transaction commits, no page shows a staged row; when
 * anything fails, the stage is deleted.
 */
import { type Column, getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { generateSecret } from "../lib/codes.ts";
import { databaseOf, type Db, pace, runAll, type Tx, writeTx } from "./client.ts";
import { nothing } from "./changes.ts";
import type { Conn } from "./orgs.ts";

/** Rows in one staged value. */
const ROWS_PER_VALUE = 500;
/** Staged bytes sent in one short transaction (the request's encoding stays well under the event-loop budget). */
const BYTES_PER_WRITE = 500_000;
/** A stage left this long by a process that died before its final transaction is dropped. */
const KEEP_MS = 86400_000;

/** Thrown by a final step when what was staged is out of date: the write is staged again (at most 3 times). */
export class Restage extends Error {}

/** The rows of one long write on their way to the final transaction. */
export class Stage {
  /** This stage's key in `staged_rows`. */
  readonly id = generateSecret(16);
  #seq = 0;
  #pending: SQL[] = [];
  #bytes = 0;
  #written = false;
  #columns = new Map<string, { names: string[]; keys: string[] }>();
  /** Per target, the sequence numbers of its staged values. */
  #seqs = new Map<string, number[]>();

  /** @internal use `stagedWrite`. */
  constructor(readonly db: Db, readonly now: Date) {}

  /**
   * Stages rows for `table` (values as drizzle would store them; calls for
   * one table give the same columns). Encoding is paced, 500 rows at a time.
   */
  async rows<T extends SQLiteTable>(table: T, rows: T["$inferInsert"][]): Promise<void> {
    if (rows.length === 0) return;
    const target = getTableName(table);
    const columns = getTableColumns(table) as Record<string, Column>;
    // The columns: those the rows give, and every other one without a default (NULL, as drizzle would
    // insert); a key or a column with a default that no row of the first call gives keeps its default.
    const given = (k: string) => rows.some((r) => (r as Record<string, unknown>)[k] !== undefined);
    const known = this.#columns.get(target);
    const keys = known?.keys ??
      Object.keys(columns).filter((k) => given(k) || (!columns[k].hasDefault && !columns[k].primary));
    if (Object.keys(columns).some((k) => !keys.includes(k) && given(k))) {
      throw new Error(`staged ${target} rows give a column the first ones did not`);
    }
    this.#columns.set(target, { names: keys.map((k) => columns[k].name), keys });
    for (let i = 0; i < rows.length; i += ROWS_PER_VALUE) {
      const value = rows.slice(i, i + ROWS_PER_VALUE).map((r) =>
        keys.map((k) => {
          const v = (r as Record<string, unknown>)[k];
          return v === null || v === undefined ? null : columns[k].mapToDriverValue(v);
        })
      );
      await this.#push(target, JSON.stringify(value));
      await pace();
    }
  }

  /** Stages `items` as one JSON array (500 items a value) for `text()` in the final transaction. */
  async json(target: string, items: readonly unknown[]): Promise<void> {
    for (let i = 0; i < items.length; i += ROWS_PER_VALUE) {
      await this.#push(target, JSON.stringify(items.slice(i, i + ROWS_PER_VALUE)));
      await pace();
    }
    if (items.length === 0) await this.#push(target, "[]");
  }

  async #push(target: string, body: string): Promise<void> {
    const seqs = this.#seqs.get(target) ?? [];
    seqs.push(this.#seq);
    this.#seqs.set(target, seqs);
    this.#pending.push(
      sql`INSERT INTO staged_rows (stage, target, seq, body, created_at)
        VALUES (${this.id}, ${target}, ${this.#seq++}, ${body}, ${this.now.getTime()})`,
    );
    this.#bytes += body.length;
    if (this.#bytes >= BYTES_PER_WRITE) await this.flush();
  }

  /** Writes what is pending in one short quiet transaction (the first also drops abandoned stages). */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const statements = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    const first = !this.#written;
    this.#written = true;
    await writeTx(this.db, async (tx) => {
      nothing(tx);
      if (first) {
        await tx.run(sql`DELETE FROM staged_rows WHERE created_at < ${this.now.getTime() - KEEP_MS}`);
      }
      await runAll(tx, statements);
    }, { quiet: true });
  }

  /**
   * In the final transaction: copies the staged rows of `table` into it, in
   * staged order or sorted by the columns `orderBy` (a table's key order:
   * inserting 25,000 index rows in key order takes a fraction of the time),
   * `orIgnore` skipping duplicates. One statement per staged value (500 rows),
   * sent through `runAll`: on a local file they run on the event loop, so it
   * breathes between them (5,000 children in one statement held it 107 ms,
   * their name index 124); to a libSQL server they go in one request.
   */
  async copy(
    tx: Tx,
    table: SQLiteTable,
    options: { orIgnore?: boolean; orderBy?: string[] } = {},
  ): Promise<void> {
    const target = getTableName(table);
    const staged = this.#columns.get(target);
    if (!staged) return;
    const at = (key: string) => `j.value ->> ${staged.keys.indexOf(key)}`;
    const columns = sql.raw(staged.names.map((n) => `"${n}"`).join(", "));
    const values = sql.raw(staged.keys.map(at).join(", "));
    const order = sql.raw(options.orderBy ? options.orderBy.map(at).join(", ") : "j.key");
    const insert = sql.raw(`INSERT ${options.orIgnore ? "OR IGNORE " : ""}INTO`);
    await runAll(
      tx,
      (this.#seqs.get(target) ?? []).map((seq) =>
        sql`${insert} ${sql.identifier(target)} (${columns})
          SELECT ${values} FROM staged_rows s, json_each(s.body) j
          WHERE s.stage = ${this.id} AND s.target = ${target} AND s.seq = ${seq} ORDER BY ${order}`
      ),
    );
  }

  /** The staged values of one column of `table`, as a subquery (for the final transaction's checks). */
  column(table: SQLiteTable, key: string): SQL {
    const target = getTableName(table);
    const at = this.#columns.get(target)?.keys.indexOf(key) ?? -1;
    if (at < 0) throw new Error(`nothing staged for ${target}.${key}`);
    return sql`SELECT j.value ->> ${sql.raw(String(at))} FROM staged_rows s, json_each(s.body) j
      WHERE s.stage = ${this.id} AND s.target = ${target}`;
  }

  /** The JSON array staged with `json`, as an SQL expression for the final transaction. */
  text(target: string): SQL {
    // The staged arrays joined without their brackets, never parsed: json_group_array over json_each
    // of 5,000 rows took 36 ms of the event loop. An aggregate over an ordered subquery keeps its order
    // (SQLite does not flatten such a subquery; sqld's parser refuses an ORDER BY inside the aggregate).
    return sql`(SELECT '[' || coalesce(group_concat(items, ','), '') || ']' FROM (
      SELECT substr(body, 2, length(body) - 2) AS items FROM staged_rows
      WHERE stage = ${this.id} AND target = ${target} AND body <> '[]' ORDER BY seq))`;
  }

  /** Deletes the stage inside the final transaction. */
  async drop(tx: Tx): Promise<void> {
    if (this.#written) await tx.run(sql`DELETE FROM staged_rows WHERE stage = ${this.id}`);
  }

  /** Deletes the stage after a failure (its own quiet transaction). */
  async discard(): Promise<void> {
    this.#pending = [];
    if (!this.#written) return;
    await writeTx(this.db, async (tx) => {
      nothing(tx);
      await tx.run(sql`DELETE FROM staged_rows WHERE stage = ${this.id}`);
    }, { quiet: true });
  }
}

/**
 * Runs a long write in two steps. `prepare` reads what it needs through
 * `reader` (the primary itself in replica mode, so nothing it reads is
 * stale), computes the new rows and stages them; `finish` is the short final
 * transaction: it checks that what `prepare` read still holds (throwing
 * `Restage` when not: everything is prepared again, three times at most),
 * copies the staged rows (`stage.copy`) and does the few other writes. The
 * stage is deleted in that transaction, or after any failure.
 */
export async function stagedWrite<P, T>(
  db: Db,
  prepare: (stage: Stage, reader: Conn) => Promise<P>,
  finish: (tx: Tx, stage: Stage, prepared: P) => Promise<T>,
): Promise<T> {
  const reader = databaseOf(db).primary;
  for (let attempt = 1;; attempt++) {
    const stage = new Stage(db, new Date());
    try {
      const prepared = await prepare(stage, reader);
      await stage.flush();
      return await writeTx(db, async (tx) => {
        const out = await finish(tx, stage, prepared);
        await pace(); // a local file's statements run on the event loop (a stage of 5,000 rows: 10–20 ms each)
        await stage.drop(tx);
        await pace();
        return out;
      });
    } catch (e) {
      await stage.discard().catch((d) =>
        console.error(`a failed long write left its stage ${stage.id}: ${d}`)
      );
      if (!(e instanceof Restage) || attempt >= 3) throw e;
    }
  }
}
