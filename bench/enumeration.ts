/**
 * bench:enumeration — how long registration takes to answer "this ID number or mobile already has an
 * account" against going on to register (issue 11, item 8): both hash the password, so the two differ
 * only by a few database statements, well within the noise of one hash. In-process (app.request), a
 * temporary database; the clock is moved on between rounds so that the per-client budget never refuses.
 *
 *   deno task bench:enumeration [rounds=30]
 */
import { writeTx } from "../db/client.ts";
import { issueCodes } from "../db/codes.ts";
import { idNumberFor, makeAdmin, MINI, newAccountForm, PEOPLE, setup } from "../tests/helpers.ts";
import { fmt, stats } from "./common.ts";

const ROUNDS = Number(Deno.args[0] ?? 30);
let clock = Date.now();
await using t = await setup({ now: () => new Date(clock) });
await makeAdmin(t.db, MINI.shandong, PEOPLE[0]);

const kinds = {
  "taken ID number": (i: number) => [PEOPLE[0].idNumber, `1370${String(i).padStart(7, "0")}`],
  "taken mobile": (i: number) => [idNumberFor(500 + i), PEOPLE[0].mobile],
  "not taken (registers)": (i: number) => [idNumberFor(100 + i), `1360${String(i).padStart(7, "0")}`],
} as const;
const times: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
for (let i = 0; i < ROUNDS; i++) {
  clock += 16 * 60_000; // past every throttle window
  for (const [kind, who] of Object.entries(kinds)) {
    const [{ code }] = await writeTx(
      t.db,
      (tx) => issueCodes(tx, [MINI.beijing], { accountId: null }, new Date(clock)),
    );
    const c = t.client();
    await c.get("/login");
    const [idNumber, mobile] = who(i);
    const start = performance.now();
    const res = await c.post("/register", newAccountForm(MINI.beijing, code, { idNumber, mobile }));
    times[kind].push(performance.now() - start);
    await res.body?.cancel();
    const expected = kind.startsWith("not") ? 303 : 422;
    if (res.status !== expected) throw new Error(`${kind}: ${res.status}, expected ${expected}`);
  }
}
for (const [kind, ms] of Object.entries(times)) {
  const s = stats(ms);
  console.log(`${kind.padEnd(24)} p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)}`);
}
