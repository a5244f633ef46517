/** Test helpers: a fresh database per test, and an HTTP client with a cookie jar. */
import { createApp } from "../app.ts";
import { closeDb, type Db, openDb, writeTx } from "../db/client.ts";
import { SheetThread } from "../lib/sheet_thread.ts";
import { initialiseTree } from "../db/seed.ts";
import { bulkAppend } from "../db/bulk.ts";
import { addAdmin } from "../db/accounts.ts";
import { accounts } from "../db/schema.ts";
import { hashPassword } from "../lib/password.ts";
import type { Divisions } from "../lib/divisions.ts";

/** A small division set (two provinces, a municipality) for fast tests. */
export const MINI_DIVISIONS: Divisions = {
  provinces: [["11", "北京市"], ["37", "山东省"]],
  cities: [["3701", "济南市", "37"], ["3702", "青岛市", "37"]],
  counties: [
    ["110101", "东城区", "11"],
    ["110102", "西城区", "11"],
    ["370102", "历下区", "3701"],
    ["370103", "市中区", "3701"],
    ["370104", "槐荫区", "3701"],
    ["370105", "天桥区", "3701"],
    ["370202", "市南区", "3702"],
  ],
};

/** A fresh, migrated and seeded database in a temporary file. */
export async function testDb(opts: { divisions?: Divisions | "full" } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-test-" });
  const db = (await openDb(`file:${dir}/test.db`)).db;
  const sheets = new SheetThread();
  await initialiseTree(
    db,
    opts.divisions === "full" ? undefined : (opts.divisions ?? MINI_DIVISIONS),
  );
  return {
    db,
    sheets,
    async [Symbol.asyncDispose]() {
      sheets.close();
      closeDb(db);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Ids of well-known orgs in the mini tree (BFS order of the seed). */
export const MINI = {
  root: 1,
  beijing: 2,
  shandong: 3,
} as const;

/** A test password that passes the policy. */
export const PASSWORD = "Passw0rd!";

let hashed: Promise<string> | undefined;

/** Creates an account that administers `orgId`, bypassing registration (fast). */
export async function makeAdmin(
  db: Db,
  orgId: number,
  person: { name?: string; idNumber: string; mobile: string },
): Promise<number> {
  hashed ??= hashPassword(PASSWORD);
  const passwordHash = await hashed;
  return await writeTx(db, async (tx) => {
    const [{ id }] = await tx.insert(accounts).values({
      name: person.name ?? "测试",
      idNumber: person.idNumber,
      mobile: person.mobile,
      joinedYm: "2010-05",
      passwordHash,
    }).returning({ id: accounts.id });
    await addAdmin(tx, id, orgId, "书记", null, new Date());
    return id;
  });
}

/** Valid ID numbers (GB 11643 checksums) and mobiles for test people. */
export const PEOPLE = [
  { idNumber: "110101199003078670", mobile: "13800000001" },
  { idNumber: "440308199901101512", mobile: "13800000002" },
  { idNumber: "500154199804106120", mobile: "13800000003" },
  { idNumber: "360426199101010071", mobile: "13800000004" },
] as const;

/** Options of a request. */
export interface ReqOpts {
  /** Send as an htmx (non-boosted) request. */
  hx?: boolean;
  headers?: Record<string, string>;
}

/** An in-process browser stand-in: keeps cookies, adds the CSRF token to POSTs. */
export class Client {
  cookies = new Map<string, string>();
  constructor(readonly app: ReturnType<typeof createApp>) {}

  async request(
    path: string,
    init: RequestInit = {},
    opts: ReqOpts = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(
      "Cookie",
      [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    );
    if (opts.hx) headers.set("HX-Request", "true");
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
    const res = await this.app.request(path, {
      ...init,
      headers,
      redirect: "manual",
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim(), value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GET a path. */
  get(path: string, opts?: ReqOpts): Promise<Response> {
    return this.request(path, {}, opts);
  }

  /** POST a form (the CSRF token is added from the cookie jar; fetch one first with a GET). */
  async post(
    path: string,
    form: Record<string, string> | FormData = {},
    opts?: ReqOpts,
  ): Promise<Response> {
    if (!this.cookies.has("csrf")) await this.get("/login");
    let body: URLSearchParams | FormData;
    if (form instanceof FormData) {
      body = form;
      if (!form.has("_csrf")) form.set("_csrf", this.cookies.get("csrf")!);
    } else {body = new URLSearchParams({
        _csrf: this.cookies.get("csrf")!,
        ...form,
      });}
    return this.request(path, { method: "POST", body }, opts);
  }

  /** Signs in with a login and password; asserts nothing. */
  login(login: string, password = PASSWORD): Promise<Response> {
    return this.post("/login", { login, password });
  }
}

/** A fresh app and database, with an admin signed in for each given org. */
export async function setup(
  opts: { divisions?: Divisions | "full"; now?: () => Date } = {},
) {
  const t = await testDb(opts);
  const app = createApp({ db: t.db, sheets: t.sheets, now: opts.now });
  return {
    db: t.db,
    sheets: t.sheets,
    app,
    client: () => new Client(app),
    /** A signed-in client administering `orgId` (person i of PEOPLE or custom). */
    async adminOf(orgId: number, i: number): Promise<Client> {
      const p = PEOPLE[i] ??
        {
          idNumber: idNumberFor(i),
          mobile: `139${String(i).padStart(8, "0")}`,
        };
      await makeAdmin(t.db, orgId, p);
      const client = new Client(app);
      const res = await client.login(p.mobile);
      if (res.status !== 303) {
        throw new Error(`login failed: ${res.status} ${await res.text()}`);
      }
      return client;
    },
    [Symbol.asyncDispose]: t[Symbol.asyncDispose],
  };
}

/**
 * The first 17 digits of an ID number with their GB 11643 check character
 * appended, computed here from the standard's weights (independently of
 * lib/id_number.ts, which the tests check against it).
 */
export function withCheckDigit(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, k) => s + Number(d) * w[k], 0);
  return first17 + "10X98765432"[sum % 11];
}

/** A valid ID number for test person i (checksum computed). */
export const idNumberFor = (i: number): string =>
  withCheckDigit(`11010119900101${String(i % 1000).padStart(3, "0")}`);

/** Appends `n` 团支部 (第1团支部, 第2团支部, …) under `parentId`, counters kept; returns their ids. */
export function addBranches(db: Db, parentId: number, n: number): Promise<number[]> {
  return bulkAppend(
    db,
    Array.from({ length: n }, (_, i) => ({ parentId, shortName: `第${i + 1}团支部`, category: 5 })),
  );
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e) => ENTITIES[e]);

/** The text a reader sees in an HTML page or fragment: tags dropped, entities decoded, white space collapsed. */
export function textOf(html: string): string {
  return decode(
    html.replace(/<(script|style|head)\b[^]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " "),
  ).replace(/\s+/g, " ").trim();
}

/** The value a form field named `name` shows (input value, textarea text or selected option), if present. */
export function fieldValue(html: string, name: string): string | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const input = html.match(new RegExp(`<input\\b[^>]*\\bname="${esc}"[^>]*>`));
  if (input) return decode(input[0].match(/\bvalue="([^"]*)"/)?.[1] ?? "");
  const area = html.match(new RegExp(`<textarea\\b[^>]*\\bname="${esc}"[^>]*>([^]*?)</textarea>`));
  if (area) return decode(area[1]);
  const select = html.match(new RegExp(`<select\\b[^>]*\\bname="${esc}"[^>]*>([^]*?)</select>`));
  if (select) return decode(select[1].match(/<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected/)?.[1] ?? "");
  return undefined;
}

/** The links of a page as a reader sees them: their text and where they go. */
export function linksOf(html: string): { text: string; href: string }[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([^]*?)<\/a>/g)].map((m) => ({
    text: textOf(m[2]),
    href: decode(m[1]),
  }));
}
