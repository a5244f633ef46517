/** The bootstrap command prints a working code for 团中央's admin on a fresh install. */
import assert from "node:assert/strict";
import { closeDb, openDb } from "../db/client.ts";
import { checkCode } from "../db/codes.ts";

Deno.test("deno task admin issue-root-code: initialises the tree and prints a valid root code", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zhtj-cli-" });
  try {
    const url = `file:${dir}/cli.db`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../scripts/admin.ts", import.meta.url).pathname, "issue-root-code"],
      env: { DATABASE_URL: url },
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const code = text.match(/团中央管理员注册码: (\S{8})/)?.[1];
    assert.ok(code, text);
    const db = (await openDb(url)).db;
    try {
      assert.deepEqual(await checkCode(db, 1, code, new Date()), { ok: true, id: 1 });
    } finally {
      closeDb(db);
    }
    const usage = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../scripts/admin.ts", import.meta.url).pathname, "nonsense"],
      env: { DATABASE_URL: url },
    }).output();
    assert.equal(usage.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
